import SatsimMetrics
import Testing

@Suite struct TimeSeriesTests {
    @Test func columnsAreLookedUpByName() {
        var series = TimeSeries(columns: ["clients.web.goodput_per_s", "services.api.utilization"])
        series.append(time: 60, values: [10, 0.5])
        series.append(time: 120, values: [12, 0.75])
        #expect(series.columns == ["time", "clients.web.goodput_per_s", "services.api.utilization"])
        #expect(series.column("time") == [60, 120])
        #expect(series.column("services.api.utilization") == [0.5, 0.75])
        #expect(series.column("clients.web.goodput_per_s") == [10, 12])
        #expect(series.column("services.api") == nil)
        #expect(series.rows.count == 2)
    }

    @Test func aSeriesWithoutRowsHasEmptyColumns() {
        let series = TimeSeries(columns: ["a"])
        #expect(series.column("a") == [])
        #expect(series.column("time") == [])
    }

    @Test func aRowOfTheWrongWidthTraps() async {
        await #expect(processExitsWith: .failure) {
            var series = TimeSeries(columns: ["a", "b"])
            series.append(time: 1, values: [1])
        }
    }
}
