import SatsimMetrics
import SatsimSweep

/// The number of runs simulated at once: `--jobs` when given, else
/// ``ParallelRunner/jobsDefault(environment:)``, whose warning about an unusable
/// SLURM_CPUS_PER_TASK goes to standard error once, when the default is actually used.
enum JobCount {
    static func resolve(_ given: Int?) -> Int {
        if let given { return given }
        let (jobs, warning) = ParallelRunner.jobsDefault()
        if let warning { Console.error("satsim: " + TerminalText.inline(warning)) }
        return jobs
    }
}
