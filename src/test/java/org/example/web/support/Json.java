package org.example.web.support;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON as the tests read it (Consul's, Prometheus's, the service's logs) and write it (the reports). */
public final class Json {

	private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private Json() {
	}

	public static JsonNode read(String json) {
		return MAPPER.readTree(json);
	}

	public static JsonNode read(Path file) {
		return MAPPER.readTree(file.toFile());
	}

	/** A JSON object, its keys in the file's order. */
	public static Map<String, Object> readObject(Path file) {
		return MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
		});
	}

	/** Indented, for files people read. */
	public static void write(Path file, Object value) {
		MAPPER.writeValue(file.toFile(), value);
	}

	/** On one line, for the test log. */
	public static String oneLine(Object value) {
		return JsonMapper.shared().writeValueAsString(value);
	}

}
