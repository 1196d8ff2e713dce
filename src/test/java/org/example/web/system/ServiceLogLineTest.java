package org.example.web.system;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceLogLineTest {

	private static final String READY = """
			{"@timestamp":"2026-11-25T10:00:03.412Z","log":{"level":"INFO"},"message":"Started WebApplication in 3.4 seconds"}""";

	private static final String DEREGISTERED = """
			{"@timestamp":"2026-11-25T10:05:00.100Z","message":"Deregistered web-a1-1234abcd from Consul; draining for PT5S","requestId":null}""";

	@Test
	void findsTheFirstServiceLineWithTheTextAndSkipsOtherLines() {
		Stream<String> log = Stream.of("with-consul-agent: consul agent exited (137); restarting it",
				"2026-11-25T10:05:00.050Z [INFO]  agent: Deregistered service: service=web-a1-1234abcd", READY,
				DEREGISTERED, "{\"not\":\"a log line\"}", "{broken");
		assertThat(ServiceLogLine.first(log, ServiceLogLine.DEREGISTERED)).get()
			.extracting(ServiceLogLine::timestamp)
			.isEqualTo(Instant.parse("2026-11-25T10:05:00.100Z"));
	}

	@Test
	void readsTimestampAndMessage() {
		assertThat(ServiceLogLine.parse(READY)).get().satisfies((line) -> {
			assertThat(line.timestamp()).isEqualTo(Instant.parse("2026-11-25T10:00:03.412Z"));
			assertThat(line.message()).startsWith(ServiceLogLine.READY);
		});
		assertThat(ServiceLogLine.parse("plain text")).isEmpty();
	}

}
