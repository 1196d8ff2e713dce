package org.example.web.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the host (docker, the deploy/ scripts) and returns what it printed. */
public final class Shell {

	private Shell() {
	}

	public static String run(Duration timeout, String... command) {
		Result result = tryRun(timeout, command);
		if (result.exitCode() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode() + ":\n"
					+ result.output());
		}
		return result.output();
	}

	public static String run(String... command) {
		return run(Duration.ofSeconds(60), command);
	}

	/** {@link #run(Duration, String...)} with these variables added to the environment. */
	public static String run(Duration timeout, Map<String, String> environment, String... command) {
		Result result = tryRun(timeout, environment, command);
		if (result.exitCode() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode() + ":\n"
					+ result.output());
		}
		return result.output();
	}

	/** Runs the command; stdout and stderr together, the exit code -1 on time-out. */
	public static Result tryRun(Duration timeout, String... command) {
		return tryRun(timeout, Map.of(), command);
	}

	/** {@link #tryRun(Duration, String...)} with these variables added to the environment. */
	public static Result tryRun(Duration timeout, Map<String, String> environment, String... command) {
		try {
			Path output = Files.createTempFile("shell", ".out");
			try {
				ProcessBuilder builder = new ProcessBuilder(List.of(command));
				builder.environment().putAll(environment);
				Process process = builder.redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				boolean finished;
				try {
					finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					destroy(process); // the caller gave up: the command must not outlive it
					throw ex;
				}
				if (!finished) {
					destroy(process);
					process.waitFor();
				}
				String text = Files.readString(output, StandardCharsets.UTF_8);
				return new Result(finished ? process.exitValue() : -1, text);
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void destroy(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	/** Writes an executable /bin/sh script (a stub, a fake tool) with these lines to FILE. */
	public static void writeScript(Path file, String... lines) throws IOException {
		Files.writeString(file, "#!/bin/sh\n" + String.join("\n", lines) + "\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	public record Result(int exitCode, String output) {
	}

}
