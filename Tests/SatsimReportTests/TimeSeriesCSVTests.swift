import SatsimMetrics
import SatsimReport
import Testing

@Suite("timeseries.csv")
struct TimeSeriesCSVTests {
    @Test("Header then one line per row; names with commas or quotes are quoted")
    func rendering() {
        var series = TimeSeries(columns: ["clients.a,b.requests", "x\"y"])
        series.append(time: 1, values: [3, 0.5])
        series.append(time: 2, values: [4, .nan])
        #expect(TimeSeriesCSV.render(series) == "time,\"clients.a,b.requests\",\"x\"\"y\"\n1,3,0.5\n2,4,\n")
    }
}
