import ArgumentParser
public struct ValidateCommand: ParsableCommand { public init() {} }
