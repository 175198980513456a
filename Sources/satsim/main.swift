import SatsimCLI

SatsimCommand.entryPoint()
