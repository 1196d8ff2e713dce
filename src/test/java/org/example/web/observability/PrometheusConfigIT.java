package org.example.web.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.system.Shell;
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
		Shell.Result inspect = Shell.tryRun(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
		assertThat(inspect.exitCode())
			.as("image %s is missing: build it with deploy/images/build-base-images.sh prometheus", IMAGE)
			.isZero();
	}

	@Test
	void configurationLoads() {
		Shell.Result result = promtool("check", "config", "prometheus.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void rulesLoad() {
		Shell.Result result = promtool("check", "rules", "alerts.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void alertRulesPassTheirUnitTests() {
		Shell.Result result = promtool("test", "rules", "alerts.test.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@AfterAll
	static void writeReport() throws IOException {
		Files.createDirectories(REPORT.getParent());
		Files.writeString(REPORT, String.join("\n", report), StandardCharsets.UTF_8);
	}

	/** promtool ARGS in the image, with prometheus/ as its (read-only) working directory. */
	private static Shell.Result promtool(String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "-v",
				ROOT.resolve("prometheus") + ":/etc/prometheus:ro", "-w", "/etc/prometheus", "--entrypoint",
				"promtool", IMAGE));
		command.addAll(List.of(args));
		Shell.Result result = Shell.tryRun(Duration.ofSeconds(120), command.toArray(String[]::new));
		synchronized (report) {
			report.add("$ promtool " + String.join(" ", args) + "   (exit code " + result.exitCode() + ")\n"
					+ result.output().strip() + "\n");
		}
		return result;
	}

}
