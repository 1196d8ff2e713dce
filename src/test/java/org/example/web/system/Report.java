package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.example.web.support.Json;
import org.example.web.support.Project;

/**
 * The figures of the system tests of this run, in {@code target/reports/system-tests.json}
 * (each also printed as a {@code REPORT} line):
 * {@code {"run": {RunInfo}, "results": {"<name>": {"at": "<instant>", ...figures}}}}. Only what this
 * run measured: the file of an earlier run is removed when the run starts.
 */
final class Report {

	static final Path FILE = Project.REPORTS.resolve("system-tests.json");

	/** The dashboard screenshot of ObservabilitySystemIT. */
	static final Path DASHBOARD = Project.REPORTS.resolve("dashboard.png");

	private static final Map<String, Object> results = new LinkedHashMap<>();

	private Report() {
	}

	/** Removes the system tests' outputs of an earlier run and writes this run's empty report. */
	static synchronized void startRun() {
		try {
			for (Path output : List.of(FILE, DASHBOARD)) {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		results.clear();
		save();
	}

	/** A scenario's result: the figures of its load, then its own. */
	static void write(String name, LoadSummary load, Map<String, Object> figures) {
		Map<String, Object> all = new LinkedHashMap<>(load.figures());
		all.putAll(figures);
		write(name, all);
	}

	/** Adds (or replaces) one result of this run. */
	static synchronized void write(String name, Map<String, Object> figures) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("at", Instant.now().toString());
		entry.putAll(figures);
		results.put(name, entry);
		save();
		System.out.println("REPORT " + name + " " + Json.oneLine(entry));
	}

	private static void save() {
		try {
			Files.createDirectories(FILE.getParent());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("run", RunInfo.current());
		report.put("results", results);
		Json.write(FILE, report);
	}

}
