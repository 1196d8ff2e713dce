package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures of the system tests, one JSON object per scenario, in
 * {@code target/reports/system-tests.json} (printed too). Scenarios of later runs in the same
 * build replace earlier ones of the same name.
 */
final class Report {

	static final Path FILE = Path.of(System.getProperty("project.root", "."), "target", "reports",
			"system-tests.json");

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private Report() {
	}

	static synchronized void write(String scenario, Map<String, Object> figures) {
		try {
			Files.createDirectories(FILE.getParent());
			Map<String, Object> all = Files.exists(FILE)
					? JSON.readValue(FILE.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
					}) : new LinkedHashMap<>();
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("at", Instant.now().toString());
			entry.putAll(figures);
			all.put(scenario, entry);
			JSON.writeValue(FILE.toFile(), all);
			System.out.println("REPORT " + scenario + " " + JsonMapper.shared().writeValueAsString(entry));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
