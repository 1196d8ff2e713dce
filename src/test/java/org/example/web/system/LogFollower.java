package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Follows the logs of containers while they run ({@code docker logs -f}), so that what a
 * container logged is still there after swarm has removed it (scale-in, update, kill).
 */
final class LogFollower implements AutoCloseable {

	private final Map<String, Path> files = new LinkedHashMap<>();

	private final Map<String, Process> processes = new LinkedHashMap<>();

	LogFollower(List<String> containers) {
		try {
			for (String container : containers) {
				Path file = Files.createTempFile("log-" + container, ".txt");
				this.files.put(container, file);
				this.processes.put(container, new ProcessBuilder("docker", "logs", "-f", container)
					.redirectErrorStream(true)
					.redirectOutput(file.toFile())
					.start());
			}
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException(ex);
		}
	}

	/** The time stamp of the first service log line of that container whose message contains the text. */
	Optional<Instant> firstLine(String container, String text) {
		Path file = this.files.get(container);
		if (file == null) {
			return Optional.empty();
		}
		try (Stream<String> lines = Files.lines(file)) {
			return ServiceLogLine.first(lines, text).map(ServiceLogLine::timestamp);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.processes.values().forEach(Process::destroy);
		for (Path file : this.files.values()) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a temp file; nothing to do
			}
		}
	}

}
