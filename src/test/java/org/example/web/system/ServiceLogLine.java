package org.example.web.system;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.example.web.support.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A line of the service's structured log (JSON, Elastic Common Schema). A container's log also
 * holds lines of its Consul agent and launcher: those are not service log lines.
 */
record ServiceLogLine(Instant timestamp, String message, JsonNode json) {

	/** The start of the line an instance logs when it is ready (Spring Boot; a contract, docs/architecture.md). */
	static final String READY = "Started WebApplication";

	/** The start of the line an instance logs when it left Consul (DrainOnShutdown; a contract, docs/architecture.md). */
	static final String DEREGISTERED = "Deregistered ";

	static Optional<ServiceLogLine> parse(String line) {
		if (!line.startsWith("{")) {
			return Optional.empty();
		}
		try {
			JsonNode json = Json.read(line);
			return json.path("@timestamp")
				.stringValueOpt()
				.map((timestamp) -> new ServiceLogLine(Instant.parse(timestamp), json.path("message").asString(""),
						json));
		}
		catch (JacksonException ex) {
			return Optional.empty();
		}
	}

	/** The first service log line whose message contains the text. */
	static Optional<ServiceLogLine> first(Stream<String> lines, String text) {
		return lines.map(ServiceLogLine::parse)
			.flatMap(Optional::stream)
			.filter((line) -> line.message().contains(text))
			.findFirst();
	}

}
