package org.example.web.system;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerts that reach someone and stay true: after a crash the registry (Consul's catalog, its DNS
 * answer, Prometheus' targets) converges to the live instances, the dead node is reaped
 * (consul/registry-reaper) and nothing alive is; an instance that is alive but not serving
 * makes WebInstanceDown fire, Alertmanager delivers it to a receiver this test runs, and
 * delivers its resolution.
 */
@SystemTest
class AlertingSystemIT {

	/**
	 * Within a minute of the crash, the registry holds exactly the live instances (README; issue 13
	 * asked for 2 minutes from the replacement being served).
	 */
	private static final Duration MAX_CONVERGENCE = Duration.ofMinutes(1);

	/** How long WebInstanceDown's condition must hold before it fires (prometheus/alerts.yml, its "for"). */
	static final Duration WEB_INSTANCE_DOWN_FOR = alertRuleFor("WebInstanceDown");

	@Test
	@Order(1)
	void aCrashedInstanceLeavesTheRegistryAndNothingAliveIsReaped(SwarmStack stack) {
		stack.reset();
		await().atMost(Duration.ofMinutes(1)).until(() -> PrometheusApi.webTargetsUp().size() == SwarmStack.REPLICAS);
		List<String> before = stack.webContainers();
		String victim = before.get(0);
		String victimAddress = stack.overlayAddress(victim);

		long killedAt = Timing.now();
		Shell.run("docker", "kill", victim);
		// The replacement is a container that was not there, and HAProxy serves it.
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> stack.webContainers().stream().anyMatch((c) -> !before.contains(c)));
		stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
		long servedAt = Timing.now();

		long[] reapedAt = { 0 };
		RegistryView[] last = { null };
		await("Consul's catalog, its DNS answer and Prometheus' web targets hold exactly the live instances")
			.atMost(MAX_CONVERGENCE.plusMinutes(1))
			.pollInterval(Duration.ofSeconds(1))
			.ignoreExceptions()
			.until(() -> {
				RegistryView view = RegistryView.of(stack);
				last[0] = view;
				if (reapedAt[0] == 0 && view.members().stream().noneMatch((m) -> m.node().contains(victim))) {
					reapedAt[0] = Timing.now();
				}
				return view.holdsExactlyTheLiveInstances() && reapedAt[0] != 0;
			});
		long convergedAt = Timing.now();

		RegistryView view = last[0];
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("killed", victim);
		figures.put("secondsFromKillToReplacementServed", Timing.secondsBetween(killedAt, servedAt));
		figures.put("secondsFromKillToNodeReaped", Timing.secondsBetween(killedAt, reapedAt[0]));
		figures.put("secondsFromReplacementServedToRegistryConverged",
				Math.max(0, Timing.secondsBetween(servedAt, convergedAt)));
		figures.put("secondsFromKillToRegistryConverged", Timing.secondsBetween(killedAt, convergedAt));
		figures.put("limitSeconds", Timing.seconds(MAX_CONVERGENCE));
		figures.put("liveAddresses", view.live());
		Report.write("registry converges after a SIGKILL", figures);

		assertThat(Timing.secondsBetween(killedAt, convergedAt)).as("seconds from the crash to a true registry")
			.isLessThan(Timing.seconds(MAX_CONVERGENCE));
		assertThat(view.catalog()).doesNotContain(victimAddress);
		// Reaped (force-leave -prune): not even a "left" member remains; every live instance's agent is alive.
		assertThat(view.members()).noneMatch((m) -> m.node().contains(victim));
		for (String container : stack.webContainers()) {
			assertThat(view.members()).as("the Consul member of live instance %s", container)
				.anyMatch((m) -> m.node().contains(container) && m.isAlive());
		}
		// The crash was taken care of (replaced, reaped) before WebInstanceDown's minute was over.
		assertThat(PrometheusApi.resultSize("max_over_time(ALERTS{alertname=\"WebInstanceDown\",alertstate=\"firing\","
				+ "instance=~\".*" + victim + ".*\"}[10m])"))
			.as("WebInstanceDown firing for the replaced instance %s", victim)
			.isZero();
	}

	@Test
	@Order(2)
	void anInstanceThatStopsServingReachesTheReceiverAndItsRecoveryToo(SwarmStack stack) {
		try (AlertReceiver receiver = AlertReceiver.start()) {
			stack.reset();
			String victim = stack.webContainers().get(0);
			String victimAddress = stack.overlayAddress(victim);
			// Its Consul agent hangs (SIGSTOP): the container and the JVM stay healthy, so swarm keeps
			// it, but Consul declares its node failed: critical, out of the DNS answer, not served.
			long stoppedAt = Timing.now();
			stack.signalConsulAgentIn(victim, "STOP");
			AlertReceiver.Notification firing;
			List<ConsulMember> membersWhileDown;
			Set<String> dnsWhileDown;
			int servedWhileDown;
			long continuedAt;
			try {
				firing = receiver.await("WebInstanceDown firing for " + victim + " at " + AlertReceiver.url(),
						(n) -> n.is("WebInstanceDown", "firing", victim), Duration.ofMinutes(4));
				membersWhileDown = stack.consulMembers();
				dnsWhileDown = stack.dnsAddresses();
				servedWhileDown = SwarmStack.haproxyServersUp();
			}
			finally {
				continuedAt = Timing.now();
				stack.signalConsulAgentIn(victim, "CONT");
			}
			AlertReceiver.Notification resolved = receiver.await("WebInstanceDown resolved for " + victim,
					(n) -> n.is("WebInstanceDown", "resolved", victim), Duration.ofMinutes(3));

			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("agentStoppedIn", victim);
			figures.put("receiver", AlertReceiver.url());
			figures.put("secondsFromStopToFiringNotification", Timing.secondsBetween(stoppedAt, firing.receivedAt()));
			figures.put("secondsFromRecoveryToResolvedNotification",
					Timing.secondsBetween(continuedAt, resolved.receivedAt()));
			figures.put("ruleForSeconds", WEB_INSTANCE_DOWN_FOR.toSeconds());
			Report.write("alert WebInstanceDown delivered and resolved", figures);

			// Not before the rule's "for": the condition held that long first.
			assertThat(Duration.ofMillis(firing.receivedAt() - stoppedAt))
				.as("from the agent's stop to the firing notification")
				.isGreaterThanOrEqualTo(WEB_INSTANCE_DOWN_FOR);
			// While its agent hung: its node failed in Consul, out of the DNS answer, not served by
			// HAProxy; alive per swarm, so never reaped.
			assertThat(membersWhileDown).as("the Consul member of %s while its agent hung", victim)
				.anyMatch((m) -> m.node().contains(victim) && m.status().equals("failed"));
			assertThat(dnsWhileDown).as("the DNS answer while its agent hung").doesNotContain(victimAddress);
			assertThat(servedWhileDown).as("web servers UP in HAProxy while its agent hung").isEqualTo(SwarmStack.REPLICAS - 1);
			assertThat(stack.webContainers()).contains(victim);
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
		}
	}

	/**
	 * What the registry says at one moment, by address on the overlay network: the live web
	 * containers, Consul's catalog, the DNS answer HAProxy reads, Prometheus' web targets, and
	 * Consul's members.
	 */
	record RegistryView(Set<String> live, Set<String> catalog, Set<String> dns, Set<String> prometheus,
			List<ConsulMember> members) {

		static RegistryView of(SwarmStack stack) {
			Set<String> live = new TreeSet<>();
			stack.webContainers().forEach((c) -> live.add(stack.overlayAddress(c)));
			return new RegistryView(live, stack.catalogAddresses(), stack.dnsAddresses(),
					PrometheusApi.webTargetAddresses(), stack.consulMembers());
		}

		boolean holdsExactlyTheLiveInstances() {
			return this.catalog.equals(this.live) && this.dns.equals(this.live) && this.prometheus.equals(this.live);
		}

	}

	/** The "for" of an alerting rule of prometheus/alerts.yml. */
	static Duration alertRuleFor(String alert) {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new FileSystemResource(Project.ROOT.resolve("prometheus/alerts.yml")));
		Properties rules = Objects.requireNonNull(yaml.getObject());
		return rules.stringPropertyNames()
			.stream()
			.filter((key) -> key.endsWith(".alert") && alert.equals(rules.getProperty(key)))
			.map((key) -> rules.getProperty(key.substring(0, key.length() - ".alert".length()) + ".for"))
			.filter(Objects::nonNull)
			.map(DurationStyle::detectAndParse)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("prometheus/alerts.yml has no rule " + alert + " with a for"));
	}

}
