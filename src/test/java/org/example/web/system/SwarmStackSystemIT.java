package org.example.web.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.example.web.support.Http;
import org.example.web.support.Ports;
import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.example.web.support.WhoAmI;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real stack on the local swarm: balancing, scaling, Consul failures, redeploy, how its
 * containers run, and what the public frontend must not expose. Light constant load:
 * {@value Scenario#RATE} requests/s.
 */
@SystemTest
class SwarmStackSystemIT {

	/**
	 * What a stopping instance does besides draining and its graceful shutdown: the watchdog's
	 * pass under way (RegistrationWatchdog waits at most 2 s for it), the deregistration, the
	 * JVM's and its Consul agent's exit.
	 */
	static final Duration STOP_MARGIN = Duration.ofSeconds(5);

	/** A new instance gets its first request within this of being ready (README: "under 5 s"). */
	static final Duration SCALE_OUT_CONVERGENCE = Duration.ofSeconds(5);

	/**
	 * The longest an instance may go without a request when the Consul agent that holds its
	 * registration dies: the agent is restarted in the container and the instance registers again,
	 * so HAProxy should not drop it for long, if at all.
	 */
	static final Duration MAX_GAP_WHEN_ITS_AGENT_DIES = Duration.ofSeconds(5);

	private static final List<String> CONFIGS_AND_SECRETS = List.of("config", "secret");

	@Test
	@Order(1)
	void balancesEvenlyOverEveryReplica(SwarmStack stack) {
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
		var status = Http.get(Endpoints.STATUS);
		assertThat(status.statusCode()).isEqualTo(200);
		assertThat(status.body()).isEqualTo("OK\n");

		Map<String, Integer> answers = new LinkedHashMap<>();
		for (int i = 0; i < 300; i++) {
			var response = Http.get(Endpoints.WHOAMI);
			assertThat(response.statusCode()).isEqualTo(200);
			answers.merge(WhoAmI.hostnameIn(response.body()), 1, Integer::sum);
		}
		Report.write("balancing", Map.of("requests", 300, "perInstance", answers));
		assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(stack.webContainers());
		assertThat(answers.values()).allSatisfy((n) -> assertThat(n).isBetween(75, 125));
	}

	@Test
	@Order(2)
	void followsScaleOutWithinSecondsAndScaleInWithoutFailures(SwarmStack stack) {
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
		Set<String> before = new HashSet<>(stack.webContainers());
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(4))) {
			long scaledAt = Timing.now();
			stack.scale(5);
			await().atMost(Duration.ofMinutes(2)).until(() -> scenario.instancesAnsweringSince(scaledAt).size() >= 5);
			List<String> added = stack.webContainers().stream().filter((c) -> !before.contains(c)).toList();
			LoadSummary load = scenario.finish();

			// Seconds from ready to first request per new instance; null: it never got one.
			Map<String, Double> convergence = new LinkedHashMap<>();
			for (String container : added) {
				Long firstRequest = load.firstSeen().get(container);
				convergence.put(container, (firstRequest != null)
						? Timing.secondsBetween(stack.readyAt(container).toEpochMilli(), firstRequest) : null);
			}
			scenario.figure("readyToFirstRequestSeconds", convergence);
			Report.write("scale-out 3->5", load, scenario.figures());
			assertThat(added).hasSize(2);
			load.assertNoneFailed();
			assertThat(load.perInstance().keySet()).containsAll(stack.webContainers());
			assertThat(convergence).as("seconds from ready to first request, per new instance")
				.allSatisfy((container, seconds) -> assertThat(seconds).isNotNull()
					.isLessThan(Timing.seconds(SCALE_OUT_CONVERGENCE)));
		}

		stack.awaitServersUp(5, Duration.ofMinutes(1));
		List<String> fiveReplicas = stack.webContainers();
		Duration drainPeriod = stack.drainPeriod();
		try (LogFollower logs = new LogFollower(fiveReplicas);
				Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			long scaleInAt = Timing.now();
			stack.scale(2);
			stack.awaitServersUp(2, Duration.ofMinutes(2));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));

			// Seconds from deregistration to last request per removed instance; null: not measured
			// (no deregistration in its log, or no request answered).
			Map<String, Double> deregisteredToLastRequest = new LinkedHashMap<>();
			for (String removed : fiveReplicas.stream().filter((c) -> !stack.webContainers().contains(c)).toList()) {
				Optional<Instant> deregistered = logs.firstLine(removed, ServiceLogLine.DEREGISTERED);
				Long lastRequest = load.lastSeen().get(removed);
				deregisteredToLastRequest.put(removed, (deregistered.isPresent() && lastRequest != null)
						? Timing.secondsBetween(deregistered.get().toEpochMilli(), lastRequest) : null);
			}
			scenario.figure("deregistrationToLastRequestSeconds", deregisteredToLastRequest);
			scenario.figure("drainPeriodSeconds", Timing.seconds(drainPeriod));
			scenario.figure("scaleCommandToAllSettledSeconds", Timing.secondsBetween(scaleInAt, load.endMillis()));
			Report.write("scale-in 5->2", load, scenario.figures());
			load.assertNoneFailed();
			assertThat(deregisteredToLastRequest).hasSize(3);
			assertThat(deregisteredToLastRequest)
				.as("seconds from deregistration to the last request, per removed instance (drain period %s)", drainPeriod)
				.allSatisfy((container, seconds) -> assertThat(seconds).isNotNull()
					.isLessThan(Timing.seconds(drainPeriod)));
			assertThat(load.instancesSince(load.endMillis() - 3000)).hasSize(2);
		}
	}

	@Test
	@Order(3)
	void consulHasALeaderAndThreeVotersAndSurvivesLosingTheLeader(SwarmStack stack) {
		stack.reset();
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		String leader = stack.leader().orElseThrow();
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(3));
			long killedAt = Timing.now();
			scenario.figure("killedLeader", leader);
			scenario.figure("secondsToNewLeader", stack.killLeaderAndAwaitNew());
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(10));

			Report.write("consul leader killed", load, scenario.figures());
			load.assertNoneFailed();
			assertThat(load.instancesSince(killedAt)).containsExactlyInAnyOrderElementsOf(stack.webContainers());
		}
	}

	@Test
	@Order(4)
	void survivesLosingTheAgentThatHoldsARegistration(SwarmStack stack) {
		stack.reset();
		// Each instance registers with the Consul agent in its own container: kill one such agent.
		String victim = stack.webContainers().get(0);
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(2))) {
			scenario.hold(Duration.ofSeconds(3));
			long killedAt = Timing.now();
			stack.killConsulAgentIn(victim);
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(15));

			Duration longestGap = load.longestGap(victim, killedAt);
			scenario.figure("agentKilledIn", victim);
			scenario.figure("longestGapOfThatInstanceSeconds", Timing.seconds(longestGap));
			Report.write("consul agent of an instance killed", load, scenario.figures());
			load.assertNoneFailed();
			assertThat(longestGap).as("longest time %s went without a request after its agent was killed", victim)
				.isLessThan(MAX_GAP_WHEN_ITS_AGENT_DIES);
			assertThat(load.instancesSince(load.endMillis() - 8000)).contains(victim);
			assertThat(load.instancesSince(killedAt)).containsExactlyInAnyOrderElementsOf(stack.webContainers());
		}
	}

	/**
	 * README, security model: every container of the single-node stack runs as a non-root user on
	 * a read-only root file system with all capabilities dropped, and none mounts the Docker socket
	 * (keepalived, multi-node only, is the exception: deploy/docker-stack.vip.yml). Every container:
	 * each service of the stack runs as many as swarm wants of it before they are looked at.
	 */
	@Test
	@Order(5)
	void everyContainerIsNonRootReadOnlyWithoutCapabilitiesOrTheDockerSocket(SwarmStack stack) {
		Map<String, Long> desired = stack.desiredTasksPerService();
		assertThat(desired).as("the stack's services").containsKeys(SwarmStack.WEB, SwarmStack.CONSUL, SwarmStack.HAPROXY);
		await().atMost(Duration.ofMinutes(2))
			.untilAsserted(() -> assertThat(stack.runningContainersPerService()).isEqualTo(desired));
		List<String> containers = stack.stackContainers();
		assertThat(containers).hasSize(desired.values().stream().mapToInt(Long::intValue).sum());
		for (String container : containers) {
			String[] f = Shell.run("docker", "inspect", "-f", "{{.Name}}|{{.Config.User}}|{{.HostConfig.ReadonlyRootfs}}|"
					+ "{{.HostConfig.CapDrop}}|{{.HostConfig.CapAdd}}|{{.HostConfig.Privileged}}|"
					+ "{{range .Mounts}}{{.Source}} {{end}}", container).strip().split("\\|", -1);
			String user = f[1].split(":")[0];
			assertThat(user).as("%s: user", f[0]).isNotEmpty().isNotIn("0", "root");
			assertThat(f[2]).as("%s: read-only root file system", f[0]).isEqualTo("true");
			assertThat(f[3]).as("%s: capabilities dropped", f[0]).isEqualTo("[ALL]");
			assertThat(f[4]).as("%s: capabilities added", f[0]).isIn("[]", "<no value>");
			assertThat(f[5]).as("%s: privileged", f[0]).isEqualTo("false");
			assertThat(f[6]).as("%s: mounts", f[0]).doesNotContain("docker.sock");
		}
	}

	/**
	 * The image says what it was built from: every replica's org.opencontainers.image.revision
	 * label is the commit of this checkout (deploy/build-image.sh), with "-dirty" when the tree
	 * had changes then (a test of a full run may write a report into docs/ before this one runs).
	 * It said "unknown" on every image until pom.xml took it from the command line. deploy/test.sh
	 * builds the image from the checkout before the tests.
	 */
	@Test
	@Order(6)
	void everyReplicaRunsAnImageLabelledWithTheCommitOfThisCheckout(SwarmStack stack) {
		stack.reset();
		String head = Shell.run("git", "-C", Project.ROOT.toString(), "rev-parse", "HEAD").strip();
		List<String> replicas = stack.webContainers();
		assertThat(replicas).hasSize(SwarmStack.REPLICAS);
		for (String replica : replicas) {
			assertThat(Shell.run("docker", "inspect", "-f", "{{index .Config.Labels \"org.opencontainers.image.revision\"}}", replica).strip())
				.as("%s: image revision label", replica).isIn(head, head + "-dirty");
		}
	}

	@Test
	@Order(7)
	void neitherManagementNorConsulIsReachableThroughThePublicFrontend(SwarmStack stack) {
		for (String path : List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/v1/agent/self",
				"/v1/catalog/services", "/ui/", "/stats")) {
			assertThat(Http.get(Endpoints.PUBLIC + path).statusCode()).as(path).isEqualTo(404);
		}
		// Nor are the management port, Consul's ports and Prometheus's published on the host.
		for (int port : List.of(8182, 8500, 8600, 9090)) {
			assertThat(Ports.isOpen(port)).as("port %d on the host", port).isFalse();
		}
		assertThat(Http.get(Endpoints.STATUS).statusCode()).isEqualTo(200);
	}

	@Test
	@Order(8)
	void consulKeepsItsDataOverAStackRemoveAndRedeploy(SwarmStack stack) {
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		String marker = UUID.randomUUID().toString();
		stack.consul("kv", "put", "system-test/marker", marker);

		SwarmStack.down();
		long start = Timing.now();
		double upSeconds = SwarmStack.up();
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		double healthySeconds = Timing.secondsSince(start);

		Report.write("stack rm + redeploy",
				Map.of("upShSecondsToAllReady", upSeconds, "secondsToLeaderAnd3Voters", healthySeconds));
		assertThat(stack.consul("kv", "get", "system-test/marker").trim()).isEqualTo(marker);
		assertThat(Http.get(Endpoints.STATUS).statusCode()).isEqualTo(200);
	}

	/**
	 * The operators' door to HAProxy's runtime API (deploy/haproxy.sh, README "Operations"): it
	 * answers with the balancer's own view, every replica a running server of backend web.
	 */
	@Test
	@Order(9)
	void operatorsReadTheBalancersServersThroughItsRuntimeApi(SwarmStack stack) {
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
		// "show servers state web": a version line, a header, then one line per server slot whose
		// 6th field is its operational state (2: running).
		long running = SwarmStack.script(Duration.ofSeconds(30), "haproxy.sh", "show servers state web")
			.lines()
			.map((line) -> line.split(" "))
			.filter((fields) -> fields.length > 5 && fields[1].equals("web") && fields[5].equals("2"))
			.count();
		assertThat(running).isEqualTo(SwarmStack.REPLICAS);
	}

	/**
	 * README, orderly stop: swarm waits longer after SIGTERM (stop_grace_period) than an instance
	 * takes to stop (drain period + Boot's graceful shutdown + {@link #STOP_MARGIN}), so it never
	 * kills one that is still finishing requests. The deployed values, not the files' defaults.
	 */
	@Test
	@Order(10)
	void swarmWaitsLongerThanAnInstanceTakesToStop(SwarmStack stack) {
		Duration instanceStops = stack.drainPeriod().plus(stack.shutdownPhaseTimeout()).plus(STOP_MARGIN);
		assertThat(stack.stopGracePeriod()).as("the web service's stop_grace_period").isGreaterThan(instanceStops);
	}

	/**
	 * README, redeploy: configs and secrets are immutable, so each changed file is a new one; a
	 * redeploy (deploy/up.sh over the running stack) removes those of the stack that no service uses
	 * any more, and keeps every one a service uses, also one that only a rollback would return to.
	 */
	@Test
	@Order(11)
	void aRedeployRemovesTheConfigsAndSecretsNothingUses(SwarmStack stack) {
		String stale = "stale-" + UUID.randomUUID();
		CONFIGS_AND_SECRETS.forEach((kind) -> createStackObject(kind, stale));

		SwarmStack.up();

		for (String kind : CONFIGS_AND_SECRETS) {
			Set<String> used = usedByTheServices(kind);
			assertThat(used).as("the %ss the services use", kind).isNotEmpty();
			assertThat(stackObjects(kind)).as("the stack's %ss after the redeploy", kind)
				.containsExactlyInAnyOrderElementsOf(used);
		}

		// A config in the reaper's previous spec only (added, then removed: what a rollback returns to).
		String previous = "previous-" + UUID.randomUUID();
		String another = "stale-" + UUID.randomUUID();
		createStackObject("config", previous);
		createStackObject("config", another);
		String reaper = SwarmStack.NAME + "_reaper";
		Shell.run(Duration.ofMinutes(2), "docker", "service", "update", "--quiet", "--config-add",
				"source=" + previous + ",target=/tmp/previous", reaper);
		Shell.run(Duration.ofMinutes(2), "docker", "service", "update", "--quiet", "--config-rm", previous, reaper);
		Shell.run(Duration.ofMinutes(1), SwarmStack.SCRIPT_ENVIRONMENT, "bash", "-c",
				Project.withDeployLib("prune_unused_configs", "stack.sh"));
		assertThat(stackObjects("config")).contains(previous).doesNotContain(another);
	}

	private static void createStackObject(String kind, String name) {
		Shell.run(Duration.ofSeconds(30), "bash", "-c",
				"echo unused | docker " + kind + " create --label " + SwarmStack.LABEL + " " + name + " -");
		assertThat(stackObjects(kind)).contains(name);
	}

	/** The names of the stack's configs or secrets (KIND: config, secret). */
	private static List<String> stackObjects(String kind) {
		return Shell.run("docker", kind, "ls", "--filter", SwarmStack.FILTER, "--format",
				"{{.Name}}")
			.lines()
			.toList();
	}

	/** The configs or secrets that the stack's services use now or would after a rollback. */
	private static Set<String> usedByTheServices(String kind) {
		String k = kind.substring(0, 1).toUpperCase() + kind.substring(1);
		String names = "{{range .TaskTemplate.ContainerSpec." + k + "s}}{{println ." + k + "Name}}{{end}}";
		List<String> command = new ArrayList<>(List.of("docker", "service", "inspect", "-f",
				"{{with .Spec}}" + names + "{{end}}{{with .PreviousSpec}}" + names + "{{end}}"));
		command.addAll(SwarmStack.serviceIds());
		return new HashSet<>(Shell.run(command.toArray(String[]::new)).lines().filter((line) -> !line.isBlank()).toList());
	}

}
