package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;

/** The PNG timeline of a scenario: requests/s, failed requests/s, and requests/s per instance. */
final class TimelineChart {

	private TimelineChart() {
	}

	static void save(String title, LoadSummary load, Path png) {
		XYChart chart = new XYChartBuilder().width(1100)
			.height(420)
			.title(title)
			.xAxisTitle("seconds")
			.yAxisTitle("requests/s")
			.build();
		chart.getStyler().setMarkerSize(0);
		chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
		chart.getStyler().setLegendLayout(LegendLayout.Vertical);
		List<Map<String, Object>> timeline = load.timeline();
		List<Double> seconds = new ArrayList<>();
		List<Double> total = new ArrayList<>();
		List<Double> failed = new ArrayList<>();
		TreeSet<String> instances = new TreeSet<>();
		for (Map<String, Object> second : timeline) {
			seconds.add(number(second, "second"));
			total.add(number(second, "requests"));
			failed.add(number(second, "failed"));
			instances.addAll(perInstance(second).keySet());
		}
		if (seconds.isEmpty()) {
			seconds.add(0.0);
			total.add(0.0);
			failed.add(0.0);
		}
		chart.addSeries("all", seconds, total).setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
		chart.addSeries("failed", seconds, failed).setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
		for (String instance : instances) {
			List<Double> perSecond = new ArrayList<>();
			for (Map<String, Object> second : timeline) {
				perSecond.add(perInstance(second).getOrDefault(instance, 0L).doubleValue());
			}
			chart.addSeries(instance, seconds, perSecond);
		}
		try {
			BitmapEncoder.saveBitmap(chart, png.toString(), BitmapFormat.PNG);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static double number(Map<String, Object> second, String key) {
		return ((Number) second.get(key)).doubleValue();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Long> perInstance(Map<String, Object> second) {
		return (Map<String, Long>) second.get("instances");
	}

}
