package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the logs of containers while they run ({@code docker logs -f}), so that what a
 * container logged is still there after swarm has removed it (scale-in, update, kill).
 */
final class LogFollower implements AutoCloseable {

	private static final Pattern TIMESTAMP = Pattern.compile("\"@timestamp\"\\s*:\\s*\"([^\"]+)\"");

	private final List<Process> processes = new ArrayList<>();

	private final List<Path> files = new ArrayList<>();

	private final List<String> containers;

	LogFollower(List<String> containers) {
		this.containers = List.copyOf(containers);
		try {
			for (String container : containers) {
				Path file = Files.createTempFile("log-" + container, ".txt");
				this.files.add(file);
				this.processes.add(new ProcessBuilder("docker", "logs", "-f", container).redirectErrorStream(true)
					.redirectOutput(file.toFile())
					.start());
			}
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException(ex);
		}
	}

	/** The time stamp of the first line of that container's log that contains the marker. */
	Optional<Instant> firstLine(String container, String marker) {
		int index = this.containers.indexOf(container);
		if (index < 0) {
			return Optional.empty();
		}
		try {
			return Files.readAllLines(this.files.get(index))
				.stream()
				.filter((line) -> line.contains(marker))
				.findFirst()
				.map(LogFollower::timestampOf);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The time stamp of a service log line (structured JSON, Elastic Common Schema). */
	static Instant timestampOf(String line) {
		Matcher matcher = TIMESTAMP.matcher(line);
		if (!matcher.find()) {
			throw new IllegalArgumentException("no @timestamp in " + line);
		}
		return Instant.parse(matcher.group(1));
	}

	@Override
	public void close() {
		this.processes.forEach(Process::destroy);
		for (Path file : this.files) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a temp file; nothing to do
			}
		}
	}

}
