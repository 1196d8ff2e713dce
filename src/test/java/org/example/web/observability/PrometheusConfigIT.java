package org.example.web.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks prometheus/ (prometheus.yml, alerts.yml, alerts.test.yml) with promtool, in the same
 * Prometheus image the stack runs (local/prometheus:2.53, built by
 * deploy/images/build-base-images.sh): the configuration and the rules load, and every alert
 * rule passes its unit tests. promtool's output goes to target/reports/alert-rule-tests.txt.
 * <p>
 * The container has no network: the discovery targets (file_sd, tasks.haproxy, tasks.consul)
 * are not resolved by a check, only validated.
 */
class PrometheusConfigIT {

	private static final String IMAGE = System.getProperty("prometheus.image", "local/prometheus:2.53");

	private static final Path ROOT = Path.of(System.getProperty("project.root", ".")).toAbsolutePath();

	private static final Path REPORT = ROOT.resolve("target/reports/alert-rule-tests.txt");

	private static final List<String> report = new ArrayList<>();

	@BeforeAll
	static void imageIsBuilt() {
		Result inspect = run(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
		assertThat(inspect.exitCode())
			.as("image %s is missing: build it with deploy/images/build-base-images.sh prometheus", IMAGE)
			.isZero();
	}

	@Test
	void configurationLoads() {
		Result result = promtool("check", "config", "prometheus.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void rulesLoad() {
		Result result = promtool("check", "rules", "alerts.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void alertRulesPassTheirUnitTests() {
		Result result = promtool("test", "rules", "alerts.test.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@AfterAll
	static void writeReport() throws IOException {
		Files.createDirectories(REPORT.getParent());
		Files.writeString(REPORT, String.join("\n", report), StandardCharsets.UTF_8);
	}

	/** promtool ARGS in the image, with prometheus/ as its (read-only) working directory. */
	private static Result promtool(String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "-v",
				ROOT.resolve("prometheus") + ":/etc/prometheus:ro", "-w", "/etc/prometheus", "--entrypoint",
				"promtool", IMAGE));
		command.addAll(List.of(args));
		Result result = run(Duration.ofSeconds(120), command.toArray(String[]::new));
		synchronized (report) {
			report.add("$ promtool " + String.join(" ", args) + "   (exit code " + result.exitCode() + ")\n"
					+ result.output().strip() + "\n");
		}
		return result;
	}

	/** Runs a command; stdout and stderr together, the exit code -1 on time-out. */
	private static Result run(Duration timeout, String... command) {
		try {
			Path output = Files.createTempFile("promtool", ".out");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
				if (!finished) {
					process.destroyForcibly().waitFor();
				}
				return new Result(finished ? process.exitValue() : -1, Files.readString(output, StandardCharsets.UTF_8));
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

	private record Result(int exitCode, String output) {
	}

}
