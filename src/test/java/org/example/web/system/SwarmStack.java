package org.example.web.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.example.web.support.Json;
import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;

import static org.awaitility.Awaitility.await;

/**
 * The real stack on the local swarm, driven through the project's own scripts (deploy/up.sh,
 * deploy/down.sh) and the docker CLI. Traffic goes only to 127.0.0.1 and the stack's containers.
 */
final class SwarmStack implements AutoCloseable {

	static final String NAME = System.getProperty("stack.name", "web");

	/**
	 * Contract (deploy/lib/common.sh, STACK_FILTER): `docker stack deploy` labels every object of the
	 * stack (services, containers, configs, secrets, networks) with its name.
	 */
	static final String LABEL = "com.docker.stack.namespace=" + NAME;

	/** The docker CLI's filter for the stack's objects. */
	static final String FILTER = "label=" + LABEL;

	/** The swarm services of the stack (deploy/docker-stack.yml). */
	static final String WEB = NAME + "_web";

	static final String CONSUL = NAME + "_consul";

	static final String HAPROXY = NAME + "_haproxy";

	/** The listener keeper: holds HAProxy's public sockets, so that a new HAProxy task takes over (haproxy/listener-keeper). */
	static final String LISTENERS = NAME + "_listeners";

	/** The request log collector: HAProxy's line for every request (logs/rsyslog.conf). */
	static final String LOGS = NAME + "_logs";

	/** Where deploy/haproxy-config.sh publishes HAProxy's configuration (haproxy/haproxy-run, HAPROXY_CONFIG_KEY). */
	static final String HAPROXY_CONFIG_KEY = "haproxy/haproxy.cfg";

	/** The request log in the container of {@link #LOGS}. */
	static final String REQUEST_LOG = "/var/log/requests/requests.log";

	/**
	 * The environment of every deploy/ script the tests run: the scripts act on the stack the tests
	 * look at (STACK, {@link #NAME}); the stack they deploy serves /whoami?delayMs=N (off by
	 * default), and every redeploy (up.sh, directly or from another script) must keep it so.
	 */
	static final Map<String, String> SCRIPT_ENVIRONMENT = Map.of("WEB_DELAY_ENABLED", "true", "STACK", NAME);

	/** Web replicas of a fresh deploy; every scenario starts from them. */
	static final int REPLICAS = 3;

	/** Consul servers: a raft quorum that survives losing one. */
	static final int CONSUL_SERVERS = 3;

	private SwarmStack() {
	}

	/**
	 * A fresh stack: anything left from an earlier run is removed, Consul data included. With
	 * -Dstack.reuse=true, a stack that is deployed and serves every replica is taken as it is
	 * (to run one test class again while working on it).
	 */
	static SwarmStack deploy() {
		if (Boolean.getBoolean("stack.reuse") && servesEveryReplica()) {
			return new SwarmStack();
		}
		down("--purge");
		Report.write("deploy", Map.of("upShSecondsToAllReady", up()));
		return new SwarmStack();
	}

	/**
	 * deploy/up.sh with {@value #REPLICAS} replicas; the seconds until it returned (every replica
	 * served). Alertmanager's webhook points at the tests' own receiver ({@link AlertReceiver}).
	 */
	static double up() {
		long start = Timing.now();
		Map<String, String> environment = new java.util.HashMap<>(SCRIPT_ENVIRONMENT);
		environment.put("ALERT_WEBHOOK_URL", AlertReceiver.url());
		Shell.run(Duration.ofMinutes(8), environment, scriptCommand("up.sh", "--replicas", String.valueOf(REPLICAS)));
		return Timing.secondsSince(start);
	}

	/** deploy/down.sh (with --purge: Consul's data too). */
	static void down(String... args) {
		script(Duration.ofMinutes(3), "down.sh", args);
	}

	/** Runs a script of deploy/ and returns its output; fails with the output when it fails. */
	static String script(Duration timeout, String name, String... args) {
		return Shell.run(timeout, SCRIPT_ENVIRONMENT, scriptCommand(name, args));
	}

	/** Runs a script of deploy/; its exit code and output, whatever they are. */
	static Shell.Result tryScript(Duration timeout, String name, String... args) {
		return Shell.tryRun(timeout, SCRIPT_ENVIRONMENT, scriptCommand(name, args));
	}

	private static String[] scriptCommand(String name, String... args) {
		List<String> command = new ArrayList<>(List.of("bash", Project.ROOT.resolve("deploy").resolve(name).toString()));
		command.addAll(List.of(args));
		return command.toArray(String[]::new);
	}

	private static boolean servesEveryReplica() {
		try {
			return haproxyServersUp() == REPLICAS;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	// --- web replicas -------------------------------------------------------------------------

	void scale(int replicas) {
		scale(WEB, replicas);
	}

	void scale(String service, int replicas) {
		Shell.run("docker", "service", "scale", "--detach", service + "=" + replicas);
	}

	/** Scales and waits until HAProxy has exactly that many web servers UP. */
	void scaleAndWait(int replicas) {
		scale(replicas);
		awaitServersUp(replicas, Duration.ofMinutes(3));
	}

	/** Back to a fresh deploy's {@value #REPLICAS} replicas, all served: where every scenario starts. */
	void reset() {
		scaleAndWait(REPLICAS);
	}

	void awaitServersUp(int replicas, Duration timeout) {
		await().atMost(timeout)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> haproxyServersUp() == replicas && webContainers().size() == replicas);
	}

	/**
	 * Ids of the web service's tasks that ended with an error (killed as unhealthy, crashed), as
	 * swarm still lists them; a scale-in or an update ends tasks without one.
	 */
	Set<String> failedWebTasks() {
		return new TreeSet<>(Shell.run("docker", "service", "ps", WEB, "--no-trunc", "--format", "{{.ID}} {{.Error}}")
			.lines()
			.map(String::trim)
			.filter((line) -> line.contains(" "))
			.map((line) -> line.substring(0, line.indexOf(' ')))
			.toList());
	}

	/** Ids (= host names) of the running web containers. */
	List<String> webContainers() {
		return containers(WEB);
	}

	/** Ids of the running containers of a service of the stack. */
	List<String> containers(String service) {
		return runningWithLabel("com.docker.swarm.service.name=" + service);
	}

	/** Every running container of the stack, of all its services. */
	List<String> stackContainers() {
		return runningWithLabel(LABEL);
	}

	/** Ids of the stack's services. */
	static List<String> serviceIds() {
		return Shell.run("docker", "service", "ls", "-q", "--filter", FILTER).lines().filter((s) -> !s.isBlank()).toList();
	}

	/** Service -> the tasks swarm wants of it (the "N" of `docker service ls`'s "n/N"), every service of the stack. */
	Map<String, Long> desiredTasksPerService() {
		Map<String, Long> desired = new TreeMap<>();
		Shell.run("docker", "service", "ls", "--filter", FILTER, "--format",
				"{{.Name}} {{.Replicas}}")
			.lines()
			.map((line) -> line.strip().split("\\s+"))
			.filter((f) -> f.length >= 2 && f[1].contains("/"))
			.forEach((f) -> desired.put(f[0], Long.parseLong(f[1].substring(f[1].indexOf('/') + 1))));
		return desired;
	}

	/** Service -> its running containers on this node (all of them on a single-node swarm). */
	Map<String, Long> runningContainersPerService() {
		return Shell.run("docker", "ps", "--filter", FILTER, "--format",
				"{{.Label \"com.docker.swarm.service.name\"}}")
			.lines()
			.map(String::strip)
			.filter((name) -> !name.isEmpty())
			.collect(Collectors.groupingBy((name) -> name, TreeMap::new, Collectors.counting()));
	}

	private static List<String> runningWithLabel(String label) {
		String out = Shell.run("docker", "ps", "-q", "--filter", "label=" + label);
		return Arrays.stream(out.split("\\s+")).filter((s) -> !s.isBlank()).toList();
	}

	/** How many servers of backend "web" HAProxy reports UP (deploy/status.sh --servers-up: the one reading of its stats). */
	static int haproxyServersUp() {
		String out = script(Duration.ofSeconds(30), "status.sh", "--servers-up").strip();
		return Integer.parseInt(out.substring(out.lastIndexOf('\n') + 1).strip());
	}

	/** HAProxy's servers of backend web that have an address, as "NAME STATUS ADDRESS:PORT" (deploy/status.sh --servers). */
	static List<String> haproxyServers() {
		return script(Duration.ofSeconds(30), "status.sh", "--servers").lines()
			.filter((line) -> line.matches("web\\d+ \\S+ \\S+"))
			.toList();
	}

	/** The moment the instance logged that it was ready ({@value ServiceLogLine#READY}), from its own log. */
	Instant readyAt(String container) {
		return ServiceLogLine.first(Shell.run("docker", "logs", container).lines(), ServiceLogLine.READY)
			.orElseThrow(() -> new AssertionError("no '" + ServiceLogLine.READY + "' in the log of " + container))
			.timestamp();
	}

	/**
	 * SIGKILLs the Consul agent inside a web container (the agent that holds its registration).
	 * The image has bash and nothing else (no cat, no pkill): bash reads /proc itself.
	 */
	void killConsulAgentIn(String container) {
		signalConsulAgentIn(container, "KILL");
	}

	/**
	 * Sends a signal (KILL, STOP, CONT) to the Consul agent inside a web container. STOP hangs it:
	 * the container and its JVM stay healthy, but Consul declares the node failed. Fails when the
	 * container runs no agent.
	 */
	void signalConsulAgentIn(String container, String signal) {
		if (!List.of("KILL", "STOP", "CONT").contains(signal)) {
			throw new IllegalArgumentException("not a signal for the agent: " + signal);
		}
		Shell.run("docker", "exec", container, "bash", "-c", """
				signalled=0
				for p in /proc/[0-9]*; do
				  { read -r name < "$p/comm"; } 2>/dev/null || continue
				  [[ $name == consul ]] && kill -%s "${p#/proc/}" && signalled=$((signalled + 1))
				done
				((signalled > 0)) || { echo "no consul process" >&2; exit 1; }""".formatted(signal));
	}

	/** HAProxy's line for a request id in the request log (logs service), if it is there yet. */
	Optional<String> requestLogLine(String requestId) {
		String logs = containers(LOGS).stream().findFirst().orElseThrow(() -> new AssertionError("no container of " + LOGS));
		Shell.Result grep = Shell.tryRun(Duration.ofSeconds(20), "docker", "exec", logs, "grep", "-F", "rid=" + requestId + " ",
				REQUEST_LOG);
		return grep.output().lines().filter((line) -> line.contains("rid=" + requestId + " ")).findFirst();
	}

	/** The address of a container on the stack's overlay network (the one it registers in Consul). */
	String overlayAddress(String container) {
		return Shell
			.run("docker", "inspect", "--format",
					"{{with index .NetworkSettings.Networks \"" + NAME + "_backend\"}}{{.IPAddress}}{{end}}", container)
			.trim();
	}

	/**
	 * The docker_gwbridge addresses of a service's running containers by (short) container id,
	 * from one `docker ps` and one `docker network inspect` (cheap enough to poll).
	 */
	Map<String, String> gwbridgeAddresses(String service) {
		Set<String> ids = new TreeSet<>(containers(service));
		Map<String, String> addresses = new TreeMap<>();
		gwbridgeTable().forEach((id, address) -> {
			if (ids.contains(id.substring(0, 12))) {
				addresses.put(id.substring(0, 12), address);
			}
		});
		return addresses;
	}

	/** The address of a container on docker_gwbridge: how this host reaches it without a published port. */
	static String gwbridgeAddress(String container) {
		return gwbridgeTable().entrySet()
			.stream()
			.filter((e) -> e.getKey().startsWith(container))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("container " + container + " is not on docker_gwbridge"));
	}

	/** Full container id -> address of every container on docker_gwbridge (one `docker network inspect`). */
	private static Map<String, String> gwbridgeTable() {
		Map<String, String> table = new TreeMap<>();
		Shell.run("docker", "network", "inspect", "docker_gwbridge", "--format",
				"{{range $id, $c := .Containers}}{{$id}} {{$c.IPv4Address}}{{\"\\n\"}}{{end}}")
			.lines()
			.map((line) -> line.trim().split("\\s+"))
			.filter((f) -> f.length == 2 && f[0].length() >= 12 && f[1].contains("/"))
			.forEach((f) -> table.put(f[0], f[1].substring(0, f[1].indexOf('/'))));
		return table;
	}

	/**
	 * The drain period of the deployed instances: APP_DISCOVERY_DRAIN_PERIOD in the web service's
	 * environment (deploy/docker-stack.yml) when it is set there, else app.discovery.drain-period
	 * of application.yaml: the precedence Spring Boot applies.
	 */
	Duration drainPeriod() {
		return instanceSetting(environment(WEB), "APP_DISCOVERY_DRAIN_PERIOD", "app.discovery.drain-period");
	}

	/** The drain period for a service environment (a JSON array of "NAME=value"; null when empty). */
	static Duration drainPeriod(JsonNode environment) {
		return instanceSetting(environment(environment), "APP_DISCOVERY_DRAIN_PERIOD", "app.discovery.drain-period");
	}

	/** How long the deployed instances give the requests in flight once draining is over (Boot's graceful shutdown). */
	Duration shutdownPhaseTimeout() {
		return instanceSetting(environment(WEB), "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE",
				"spring.lifecycle.timeout-per-shutdown-phase");
	}

	/** How long swarm waits after SIGTERM before it kills a web task (deploy/docker-stack.yml, stop_grace_period). */
	Duration stopGracePeriod() {
		return Duration.ofNanos(Long.parseLong(Shell.run("docker", "service", "inspect", "--format",
				"{{json .Spec.TaskTemplate.ContainerSpec.StopGracePeriod}}", WEB).strip()));
	}

	/** A swarm service's environment as deployed (deploy/docker-stack.yml): NAME -> value. */
	static Map<String, String> environment(String service) {
		return environment(Json.read(Shell.run("docker", "service", "inspect", "--format",
				"{{json .Spec.TaskTemplate.ContainerSpec.Env}}", service)));
	}

	/** A service environment as `docker service inspect` gives it: a JSON array of "NAME=value" (null when empty). */
	static Map<String, String> environment(JsonNode environment) {
		Map<String, String> variables = new TreeMap<>();
		environment.valueStream()
			.map((entry) -> entry.asString())
			.filter((entry) -> entry.contains("="))
			.forEach((entry) -> variables.putIfAbsent(entry.substring(0, entry.indexOf('=')),
					entry.substring(entry.indexOf('=') + 1)));
		return variables;
	}

	/** VARIABLE of a service environment when it is set there, else KEY of application.yaml, as a duration. */
	private static Duration instanceSetting(Map<String, String> environment, String variable, String key) {
		String value = environment.get(variable);
		return DurationStyle.detectAndParse((value != null) ? value : applicationYaml(key));
	}

	private static String applicationYaml(String key) {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new ClassPathResource("application.yaml"));
		Properties properties = yaml.getObject();
		String value = (properties != null) ? properties.getProperty(key) : null;
		if (value == null) {
			throw new IllegalStateException("no " + key + " in application.yaml");
		}
		return value;
	}

	// --- rolling updates -------------------------------------------------------------------------

	/**
	 * Starts a rolling update of the web service to web:VERSION and waits until swarm reports the
	 * given update state ("completed", or "rollback_completed" for a version swarm rolls back).
	 */
	void updateWebImage(String version, String expectedState, Duration timeout) {
		// The CLI returns once it has seen every task running, or fails when swarm rolls back.
		Shell.Result update = Shell.tryRun(timeout, "docker", "service", "update", "--no-resolve-image", "--image",
				"web:" + version, WEB);
		await("update to web:" + version + " ends as " + expectedState + " (docker: " + update.output().strip() + ")")
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> webService("{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}").equals(expectedState));
	}

	/** The image the web service runs (its spec). */
	String webImage() {
		return webService("{{.Spec.TaskTemplate.ContainerSpec.Image}}");
	}

	private String webService(String format) {
		return Shell.run("docker", "service", "inspect", "-f", format, WEB).trim();
	}

	// --- Consul --------------------------------------------------------------------------------

	/**
	 * The consul CLI against the Consul servers with the management token (deploy/consul.sh), e.g.
	 * {@code consul("kv", "get", "k")}; what it printed. Fails when it fails.
	 */
	String consul(String... args) {
		return script(Duration.ofSeconds(30), "consul.sh", args);
	}

	/** The addresses of the web instances in the Consul catalog (whatever their health). */
	Set<String> catalogAddresses() {
		Set<String> addresses = new TreeSet<>();
		catalogInstances().forEach((instance) -> addresses.add(instance.substring(0, instance.lastIndexOf(':'))));
		return addresses;
	}

	/** The addresses of the SRV answer for web.service.consul, from a Consul server's DNS. */
	Set<String> dnsAddresses() {
		return ConsulDns.instanceAddresses(gwbridgeAddress(containers(CONSUL).get(0)), "web");
	}

	/** The members of the Consul cluster that a server lists (`consul members`). */
	List<ConsulMember> consulMembers() {
		return ConsulMember.parse(consul("members"));
	}

	/** How many web instances the Consul catalog lists as passing. */
	int passingInConsulCatalog() {
		return Json.read(consul("watch", "-type=service", "-service=web", "-passingonly=true")).size();
	}

	/** The entries of service web in Consul's catalog, passing or not (node, service, checks). */
	private Stream<JsonNode> catalogEntries() {
		return Json.read(consul("watch", "-type=service", "-service=web")).valueStream();
	}

	/** Each instance of service web in Consul's catalog as "node: status of each check" (a failure's message). */
	List<String> catalogHealth() {
		return catalogEntries()
			.map((entry) -> entry.path("Node").path("Node").asString() + ": " + entry.path("Checks")
				.valueStream()
				.map((check) -> check.path("CheckID").asString() + " " + check.path("Status").asString())
				.toList())
			.toList();
	}

	/** The instances of service web in Consul's catalog, passing or not, as "address:port". */
	List<String> catalogInstances() {
		return catalogEntries()
			.map((entry) -> {
				String address = entry.path("Service").path("Address").asString("");
				return (address.isEmpty() ? entry.path("Node").path("Address").asString() : address) + ":"
						+ entry.path("Service").path("Port").asInt();
			})
			.toList();
	}

	/** The node name of the raft leader, if there is one. */
	Optional<String> leader() {
		try {
			return raftPeers().stream().filter((p) -> p[2].equals("leader")).map((p) -> p[0]).findFirst();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * How many servers are raft voters and alive in gossip. `list-peers` names each raft entry after
	 * the gossip member at its address: an entry under a server's previous address is "(unknown)"
	 * (docs/consul-maintenance.md, cause 7), a stopped server keeps its entry and name (it stays a
	 * voter, consul/server.hcl) but its member is not alive, and an entry at an address another
	 * server holds now (cause 8) carries that server's name a second time: counted once.
	 */
	long voters() {
		Set<String> alive = consulMembers().stream()
			.filter(ConsulMember::isAlive)
			.map(ConsulMember::node)
			.collect(Collectors.toSet());
		return raftPeers().stream()
			.filter((p) -> p[3].equals("true") && alive.contains(p[0]))
			.map((p) -> p[0])
			.distinct()
			.count();
	}

	/** Rows of `consul operator raft list-peers` as [node, address, state, voter]. */
	private List<String[]> raftPeers() {
		return consul("operator", "raft", "list-peers").lines()
			.skip(1)
			.map((line) -> line.trim().split("\\s+"))
			.filter((f) -> f.length >= 6)
			.map((f) -> new String[] { f[0], f[2], f[3], f[4] })
			.toList();
	}

	/** The container of the Consul server with that node name (consul-N runs in slot N). */
	String consulContainer(String node) {
		String slot = node.substring(node.lastIndexOf('-') + 1);
		return Shell.run("docker", "ps", "-q", "--filter", "name=" + CONSUL + "." + slot + ".").trim();
	}

	/** Kills (SIGKILL) the Consul server that leads and returns the seconds until another one leads. */
	double killLeaderAndAwaitNew() {
		String leader = leader().orElseThrow(() -> new AssertionError("no Consul leader to kill"));
		long killedAt = Timing.now();
		Shell.run("docker", "kill", consulContainer(leader));
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> leader().filter((l) -> !l.equals(leader)).isPresent());
		return Timing.secondsSince(killedAt);
	}

	/** Waits until there is a leader and {@value #CONSUL_SERVERS} voters. */
	void awaitHealthyConsul(Duration timeout) {
		await().atMost(timeout)
			.pollInterval(Duration.ofSeconds(1))
			.ignoreExceptions()
			.until(() -> leader().isPresent() && voters() == CONSUL_SERVERS);
	}

	@Override
	public void close() {
		if (!Boolean.getBoolean("stack.keep")) {
			down("--purge");
		}
	}

}
