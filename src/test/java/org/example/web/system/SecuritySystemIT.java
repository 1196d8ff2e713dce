package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.example.web.support.Http;
import org.example.web.support.Json;
import org.example.web.support.Ports;
import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.core.JacksonException;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.FileSystemResource;

import static org.awaitility.Awaitility.await;

/**
 * Attacks on the deployed stack (issue 11.6), each under the constant legitimate load of
 * {@link Scenario}: each must be denied, and not one legitimate request may fail meanwhile. Every
 * check goes into the security report ({@link SecurityReport}) before the test's verdict.
 * Everything an attack creates (containers {@code sec-it-*}, namespaces {@code sec-flood-*}) is
 * removed when it ends, failed or not, and any that a killed run left is removed first.
 */
@SystemTest
@ExtendWith(SecurityReport.class)
class SecuritySystemIT {

	/** The operator listener's paths: every one needs the operators' credentials. */
	static final List<String> OPERATOR_PATHS = List.of("/", "/stats", "/stats;csv", "/metrics", "/ui/", "/v1/agent/self",
			"/v1/kv/haproxy/haproxy.cfg", "/prometheus/", "/prometheus/api/v1/query?query=up", "/alertmanager/");

	/** HAProxy's request timeout (haproxy/haproxy.cfg, timeout http-request). */
	static final Duration REQUEST_HEADERS_WITHIN = HaproxyConfigFile.duration("timeout http-request");

	/** The period of the per-client request rate (haproxy/haproxy.cfg, table per_client: http_req_rate(10s)). */
	static final Duration REQUEST_RATE_PERIOD = HaproxyConfigFile.ratePeriod("http_req_rate");

	/**
	 * The most header fields a request may have at the edge: haproxy/haproxy.cfg's tune.http.maxhdr
	 * takes one slot more than the fields (the end of the headers); one more field gets 400.
	 */
	static final int MAX_HEADER_FIELDS = HaproxyConfigFile.number("tune.http.maxhdr") - 1;

	/** The edge's room for the request line and headers, in KB (tune.bufsize - tune.maxrewrite). */
	static final int HEADER_ROOM_KB = (HaproxyConfigFile.number("tune.bufsize") - HaproxyConfigFile.number("tune.maxrewrite"))
			/ 1024;

	/** A header field that fits in that room, and one that does not. */
	static final int LARGE_HEADER_KB = HEADER_ROOM_KB - 1;

	static final int TOO_LARGE_HEADER_KB = HEADER_ROOM_KB + 1;

	/** Names, versions and stack traces that an answer must never show. */
	static final Pattern LEAK = Pattern.compile(
			"(?i)haproxy|tomcat|apache|jetty|spring|exception|\\.java\\b|\\bat [a-z]+\\.[a-z]|\\b\\d+\\.\\d+\\.\\d+");

	/** From inside an intruder: "CODE first bytes of the body" for one curl call. */
	static final String CURL = "c() { code=$(curl -s -o /dev/shm/body -w '%{http_code}' -m 5 \"$@\"); "
			+ "echo \"$code $(head -c 100 /dev/shm/body | tr '\\n' ' ')\"; }; ";

	static final String EVERY_SERVER = "for s in $(getent ahostsv4 tasks.consul | awk '{print $1}' | sort -u); do ";

	@BeforeAll
	static void noLeftovers(SwarmStack stack) {
		Intruder.removeLeftovers(stack);
		NetNamespace.removeLeftovers();
	}

	@AfterAll
	static void nothingLeft(SwarmStack stack) {
		noLeftovers(stack);
	}

	@Test
	@Order(1)
	@DisplayName("a. A rogue container on the overlay registers a fake web instance")
	void aRogueContainerCannotRegisterAnInstance(SwarmStack stack) {
		String a = "a";
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3));
				Intruder rogue = Intruder.start(stack, "rogue", "sleep 600",
						Credentials.file("discovery.token") + ":/secrets/discovery.token")) {
			scenario.hold(Duration.ofSeconds(2));
			String address = rogue.address();
			String service = "{\"Name\":\"web\",\"ID\":\"web-rogue\",\"Address\":\"" + address + "\",\"Port\":8181}";
			String catalog = "{\"Node\":\"web-rogue\",\"Address\":\"" + address
					+ "\",\"Service\":{\"Service\":\"web\",\"ID\":\"web-rogue\",\"Port\":8181}}";
			// The attacker stole the read-only token of discovery (it sits in every web container).
			rogue.tokenHeader("discovery.token", "read-only");
			for (String[] token : List.of(new String[] { "without a token", "" },
					new String[] { "with the read-only discovery token", "-H @/dev/shm/read-only " })) {
				everyServer(a, rogue, "PUT /v1/agent/service/register (web at its own address), " + token[0],
						"-X PUT -d '" + service + "' " + token[1], "/v1/agent/service/register", "403", (c) -> c == 403);
				everyServer(a, rogue, "PUT /v1/catalog/register (node web-rogue with web), " + token[0],
						"-X PUT -d '" + catalog + "' " + token[1], "/v1/catalog/register", "403", (c) -> c == 403);
			}
			// HAProxy asks Consul's DNS twice a second: a registration would show within a second or two.
			scenario.hold(Duration.ofSeconds(3));
			List<String> instances = stack.catalogInstances();
			SecurityReport.check(a, "Consul catalog of service web (what the servers' DNS answers from)",
					"not listed", "listed: " + instances, instances.stream().noneMatch((i) -> i.startsWith(address + ":")));
			List<String> servers = SwarmStack.haproxyServers();
			SecurityReport.check(a, "HAProxy's servers of backend web (deploy/status.sh --servers)", "not among them",
					servers, servers.stream().noneMatch((s) -> s.contains(" " + address + ":")));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));
			SecurityReport.load(a, load);
			SecurityReport.check(a, "answers of the legitimate load", "only from the stack's web containers",
					load.perInstance().keySet(), stack.webContainers().containsAll(load.perInstance().keySet()));
			SecurityReport.assertAllAsExpected(a);
			load.assertNoneFailed();
		}
	}

	@Test
	@Order(2)
	@DisplayName("b. Consul's KV and agent endpoints without a token, or with another role's token")
	void bConsulKvAndAgentEndpointsNeedAToken(SwarmStack stack) {
		String b = "b";
		String configBefore = stack.consul("kv", "get", SwarmStack.HAPROXY_CONFIG_KEY);
		List<String> roles = List.of("haproxy", "web-service", "prometheus");
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3));
				Intruder rogue = Intruder.start(stack, "kv", "sleep 600",
						roles.stream().map((r) -> Credentials.file(r + ".token") + ":/secrets/" + r + ".token").toArray(String[]::new))) {
			scenario.hold(Duration.ofSeconds(2));
			IntPredicate forbidden = (c) -> c == 403;
			// Stolen tokens of other roles (each sits in its service's containers): least privilege.
			for (String role : roles) {
				rogue.tokenHeader(role + ".token", role);
				// A valid token reads itself; an empty or unknown one gets 403: the 403s below are the role's.
				// The answer holds the token: only the statuses go into the report.
				everyServer(b, rogue, "GET /v1/acl/token/self with " + role + "'s token (a valid token reads itself)",
						"-H @/dev/shm/" + role + " ", "/v1/acl/token/self", "200 (the answer not shown: it holds the token)",
						(c) -> c == 200, false);
			}
			everyServer(b, rogue, "PUT /v1/kv/haproxy/haproxy.cfg with HAProxy's token (it may only read)",
					"-X PUT -d 'global' -H @/dev/shm/haproxy ", "/v1/kv/haproxy/haproxy.cfg", "403", forbidden);
			everyServer(b, rogue, "GET /v1/kv/haproxy/operators.cfg (the operators' userlist) with the web service's token",
					"-H @/dev/shm/web-service ", "/v1/kv/haproxy/operators.cfg", "403", forbidden);
			everyServer(b, rogue, "PUT /v1/agent/service/register (a service other than web) with the web service's token",
					"-X PUT -d '{\"Name\":\"prometheus\",\"ID\":\"rogue\",\"Port\":9090}' -H @/dev/shm/web-service ",
					"/v1/agent/service/register", "403", forbidden);
			everyServer(b, rogue, "GET /v1/kv/haproxy/operators.cfg with Prometheus' token", "-H @/dev/shm/prometheus ",
					"/v1/kv/haproxy/operators.cfg", "403", forbidden);
			everyServer(b, rogue, "GET /v1/kv/haproxy/haproxy.cfg (HAProxy's configuration)", "", "/v1/kv/haproxy/haproxy.cfg",
					"403", forbidden);
			everyServer(b, rogue, "GET /v1/kv/?recurse (every key)", "", "/v1/kv/?recurse", "403, or 404: nothing listed",
					(c) -> c == 403 || c == 404);
			everyServer(b, rogue, "PUT /v1/kv/haproxy/haproxy.cfg (replace HAProxy's configuration)", "-X PUT -d 'global' ",
					"/v1/kv/haproxy/haproxy.cfg", "403", forbidden);
			everyServer(b, rogue, "DELETE /v1/kv/haproxy/haproxy.cfg", "-X DELETE ", "/v1/kv/haproxy/haproxy.cfg", "403",
					forbidden);
			everyServer(b, rogue, "GET /v1/agent/self (configuration of the server)", "", "/v1/agent/self", "403", forbidden);
			everyServer(b, rogue, "GET /v1/agent/metrics", "", "/v1/agent/metrics", "403", forbidden);
			everyServer(b, rogue, "PUT /v1/agent/force-leave/consul-1", "-X PUT ", "/v1/agent/force-leave/consul-1", "403",
					forbidden);
			everyServer(b, rogue, "PUT /v1/agent/token/default (replace the default token)",
					"-X PUT -d '{\"Token\":\"00000000-0000-0000-0000-000000000000\"}' ", "/v1/agent/token/default", "403",
					forbidden);
			everyServer(b, rogue, "GET /v1/acl/tokens", "", "/v1/acl/tokens", "403", forbidden);
			everyServer(b, rogue, "GET /v1/operator/keyring (the gossip keys)", "", "/v1/operator/keyring",
					"denied: 403, or Consul 1.8's 500 \"denied by ACLs\"", (c) -> c == 403 || c == 500);
			// The names of the members each server shows without a token, one line per server.
			List<String> members = rogue.sh(EVERY_SERVER + "echo $(curl -s -m 5 http://$s:8500/v1/agent/members "
					+ "| grep -o '\"Name\": *\"[^\"]*\"' | sed 's/.*\"\\([^\"]*\\)\"$/\\1/' | sort); done")
				.output()
				.lines()
				.toList();
			SecurityReport.check(b, "GET /v1/agent/members without a token, each server",
					"readable by design (the default token answers DNS): the web-* nodes, no server",
					members.stream().map((line) -> "[" + line.strip() + "]").collect(Collectors.joining(", ")),
					members.size() == SwarmStack.CONSUL_SERVERS
							&& members.stream().allMatch((line) -> line.isBlank() || line.matches("(web-[0-9a-f]+ ?)+")));
			boolean unchanged = configBefore.equals(stack.consul("kv", "get", SwarmStack.HAPROXY_CONFIG_KEY));
			SecurityReport.check(b, "HAProxy's configuration in KV afterwards", "unchanged",
					unchanged ? "unchanged" : "CHANGED", unchanged);
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));
			SecurityReport.finish(b, load);
		}
	}

	@Test
	@Order(3)
	@DisplayName("c. Agents without the gossip key, with a wrong key, and without TLS")
	void cAgentsWithoutTheKeysCannotJoinOrCall(SwarmStack stack) {
		String c = "c";
		String wrongKey = Shell.run("docker", "run", "--rm", "--network", "none", Intruder.IMAGE, "keygen").strip();
		String agent = "exec consul agent -node=$(hostname) -data-dir=/tmp/consul -retry-join=tasks.consul "
				+ "-retry-interval=2s -bind=$(own-address) -client=127.0.0.1";
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(4));
				Intruder noKey = Intruder.start(stack, "gossip-no-key", agent);
				// A random key of its own (not a secret of the system).
				Intruder otherKey = Intruder.start(stack, "gossip-wrong-key", agent + " -encrypt=" + wrongKey);
				// Has the gossip keys (as a web container has), but no CA, no TLS, no token.
				Intruder noTls = Intruder.start(stack, "no-tls",
						"mkdir -p /tmp/consul/serf && cp /keys.json /tmp/consul/serf/local.keyring && " + agent,
						Credentials.file("rendered/gossip-keys.json") + ":/keys.json")) {
			String refused = "Remote state is encrypted and encryption is not configured";
			String undecryptable = "No installed keys could decrypt the message";
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofSeconds(2))
				.until(() -> noKey.logs().contains(refused) && otherKey.logs().contains(undecryptable)
						&& stack.consul("members").contains(noTls.name()));
			scenario.hold(Duration.ofSeconds(5));
			String members = stack.consul("members");
			checkRefusedMembership(c, "agent without the gossip key joins (retry_join tasks.consul)",
					"refused: not a member; its log names the encryption", noKey, refused, members);
			checkRefusedMembership(c, "agent with a wrong gossip key (consul keygen) joins", "refused: not a member",
					otherKey, undecryptable, members);
			Shell.Result rpc = noTls.sh("consul catalog services");
			SecurityReport.check(c, "agent with the gossip key but without TLS: `consul catalog services` (an RPC)",
					"fails: the servers take RPC over TLS with a client certificate only", "exit " + rpc.exitCode() + ": "
							+ rpc.output().strip(),
					rpc.exitCode() != 0 && rpc.output().contains("rpc error"));
			String address = noTls.address();
			noTls.sh(CURL + "c -X PUT -d '{\"Name\":\"web\",\"ID\":\"web-no-tls\",\"Port\":8181}' "
					+ "http://127.0.0.1:8500/v1/agent/service/register");
			scenario.hold(Duration.ofSeconds(5));
			List<String> instances = stack.catalogInstances();
			SecurityReport.check(c, "the same agent registers web with itself (its anti-entropy must sync it by RPC)",
					"never in the catalog", "catalog of web: " + instances,
					instances.stream().noneMatch((i) -> i.startsWith(address + ":")));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));
			SecurityReport.finish(c, load);
		}
	}

	@Test
	@Order(4)
	@DisplayName("d. The operator port without and with wrong credentials; the public port")
	void dOperatorPathsNeedCredentialsAndThePublicPortHasNone(SwarmStack stack) {
		String d = "d";
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(2));
			Set<Integer> published = publishedPortsOfTheStackFile();
			Set<Integer> covered = Set.of(Endpoints.PUBLIC_PORT, Endpoints.OPERATOR_PORT);
			SecurityReport.check(d, "ports published by deploy/docker-stack.yml", "exactly the two covered here: " + covered,
					published, published.equals(covered));
			Set<Integer> running = publishedPortsOfTheRunningStack();
			SecurityReport.check(d, "ports the deployed stack publishes (docker service inspect)", "the same", running,
					running.equals(published));
			SecurityReport.check(d, "Prometheus's own port 9090 on the host", "closed (served under /prometheus/ only)",
					Ports.isOpen(9090) ? "open" : "closed", !Ports.isOpen(9090));
			String password = Credentials.read("operator-password");
			Map<String, Map<String, String>> attempts = Map.of("no credentials", Map.of(), "a wrong password",
					Map.of("Authorization", Credentials.basic(Credentials.OPERATOR_USER, "wrong-" + password)),
					"another user with the right password", Map.of("Authorization", Credentials.basic("admin", password)));
			for (var attempt : new TreeMap<>(attempts).entrySet()) {
				Map<String, Integer> statuses = new TreeMap<>();
				boolean jsonBodies = true;
				for (String path : OPERATOR_PATHS) {
					var response = Http.get(Endpoints.OPERATOR + path, attempt.getValue());
					statuses.put(path, response.statusCode());
					jsonBodies &= isJson(response.body());
				}
				SecurityReport.check(d, "port " + Endpoints.OPERATOR_PORT + ", every operator path, " + attempt.getKey(),
						"401 on every path (JSON body)", summary(statuses) + (jsonBodies ? ", JSON bodies" : ", NOT all JSON"),
						statuses.values().stream().allMatch((s) -> s == 401) && jsonBodies);
			}
			Map<String, Integer> withCredentials = new TreeMap<>();
			for (String path : List.of("/stats", "/prometheus/-/ready")) {
				withCredentials.put(path, Credentials.getAsOperator(Endpoints.OPERATOR + path).statusCode());
			}
			SecurityReport.check(d, "port " + Endpoints.OPERATOR_PORT + " with the operators' credentials (control)",
					"200: the paths exist, the 401s are the password's", summary(withCredentials),
					withCredentials.values().stream().allMatch((s) -> s == 200));
			Map<String, Integer> onPublic = new TreeMap<>();
			for (String path : OPERATOR_PATHS.stream().filter((p) -> !p.equals("/")).toList()) {
				onPublic.put(path, Http.get(Endpoints.PUBLIC + path).statusCode());
			}
			SecurityReport.check(d, "port " + Endpoints.PUBLIC_PORT + ", every operator path", "404 on every path",
					summary(onPublic), onPublic.values().stream().allMatch((s) -> s == 404));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));
			SecurityReport.finish(d, load);
		}
	}

	@Test
	@Order(5)
	@DisplayName("e. A flood from one client: requests, then connections")
	void eAFloodOfRequestsOrConnectionsFromOneClientIsLimitedAndNobodyElseNotices(SwarmStack stack) throws IOException {
		String e = "e";
		int limit = haproxyEnvironment("EDGE_REQUESTS_PER_10S_PER_CLIENT");
		int flood = 2 * limit;
		int connections = haproxyEnvironment("EDGE_CONNECTIONS_PER_CLIENT");
		Path floodRequests = Files.createTempFile("sec-it-flood", ".curl");
		Path fewRequests = Files.createTempFile("sec-it-neighbour", ".curl");
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(4));
				NetNamespace flooder = NetNamespace.create(1);
				NetNamespace neighbour = NetNamespace.create(2)) {
			String url = "http://" + flooder.hostAddress() + ":" + Endpoints.PUBLIC_PORT + "/status";
			String neighbourUrl = "http://" + neighbour.hostAddress() + ":" + Endpoints.PUBLIC_PORT + "/status";
			writeCurlConfig(floodRequests, url, flood);
			writeCurlConfig(fewRequests, neighbourUrl, 20);
			scenario.hold(Duration.ofSeconds(2));
			String before = flooder.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
					"-m", "5", url).output().strip();
			long start = Timing.now();
			Map<String, Long> codes = statusCounts(flooder.exec(Duration.ofSeconds(120), "curl", "-s", "-m", "5", "-K",
					floodRequests.toString(), "-w", "%{http_code}\\n"));
			double seconds = Timing.secondsSince(start);
			String after = flooder.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m",
					"5", url).output().strip();
			Map<String, Long> neighbourCodes = statusCounts(neighbour.exec(Duration.ofSeconds(60), "curl", "-s", "-m", "5",
					"-K", fewRequests.toString(), "-w", "%{http_code}\\n"));
			double secondsToServedAgain = secondsUntilServed(flooder, url, 3 * REQUEST_RATE_PERIOD.toSeconds());
			checkTheConnectionLimit(e, neighbour, connections);
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));

			SecurityReport.check(e, "client " + flooder.address() + " before its flood", "200", before, before.equals("200"));
			long ok = codes.getOrDefault("200", 0L);
			long limited = codes.getOrDefault("429", 0L);
			// The request before the flood is in the same 10 s: it counts towards the limit too.
			long served = ok + (before.equals("200") ? 1 : 0);
			// The flooder's entry in the table is new: its count starts with the request before the
			// flood and is exact while the flood lasts less than the rate's period.
			SecurityReport.check(e, flood + " GET /status from " + flooder.address() + " as fast as it can (limit "
					+ limit + " per " + REQUEST_RATE_PERIOD.toSeconds() + " s per client)",
					"429 once past the limit: " + limit + " served (the request before the flood included), within one "
							+ "period of the rate",
					codes + " in " + LoadSummary.round(seconds) + " s",
					served == limit && ok + limited == flood && seconds < REQUEST_RATE_PERIOD.toSeconds());
			SecurityReport.check(e, "the flooder's next request", "429", after, after.equals("429"));
			// The rate is over REQUEST_RATE_PERIOD: the flood's count weighs on the next period less and
			// less, and is gone at its end. A longer period (or none) would keep the client out longer.
			SecurityReport.check(e, "the flooder again, once a second from then on",
					"served again within 2 periods of the rate (" + 2 * REQUEST_RATE_PERIOD.toSeconds() + " s)",
					secondsToServedAgain < 0 ? "still 429 after " + 3 * REQUEST_RATE_PERIOD.toSeconds() + " s"
							: "200 after " + LoadSummary.round(secondsToServedAgain) + " s",
					secondsToServedAgain >= 0 && secondsToServedAgain <= 2 * REQUEST_RATE_PERIOD.toSeconds());
			SecurityReport.check(e, "20 GET /status from another client " + neighbour.address() + " right after",
					"all 200", neighbourCodes, neighbourCodes.equals(Map.of("200", 20L)));
			SecurityReport.load(e, load);
			SecurityReport.check(e, "the legitimate load from 127.0.0.1 meanwhile (the node itself: not limited)",
					"no request failed, no 429", load.sent() + " requests, " + load.failed() + " failed " + load.errorKinds(),
					load.failed() == 0);
			SecurityReport.assertAllAsExpected(e);
			load.assertNoneFailed();
		}
		finally {
			Files.deleteIfExists(floodRequests);
			Files.deleteIfExists(fewRequests);
		}
	}

	@Test
	@Order(6)
	@DisplayName("f. Slowloris: request headers sent slowly")
	void fSlowHeadersAreCutOff(SwarmStack stack) {
		String f = "f";
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(2));
			RawHttp.Answer answer = RawHttp.sendSlowly(Endpoints.PUBLIC_PORT, "GET /status HTTP/1.1\r\nHost: sec-it\r\n",
					Duration.ofSeconds(1), Duration.ofSeconds(15));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));
			SecurityReport.check(f, "GET /status, then one header field a second, never the end of the headers",
					"408 after " + REQUEST_HEADERS_WITHIN.toSeconds() + " s (+-1 s), nothing leaked",
					answer.status() + " after " + LoadSummary.round(answer.seconds()) + " s; " + bodyKind(answer)
							+ leaks(answer),
					answer.status() == 408 && Math.abs(answer.seconds() - REQUEST_HEADERS_WITHIN.toSeconds()) <= 1
							&& leaks(answer).isEmpty());
			SecurityReport.finish(f, load);
		}
	}

	/**
	 * A malformed request, the status it must get (0: any 4xx), and whether only a JSON body is
	 * acceptable for it.
	 */
	record Malformed(String name, String request, int status, boolean jsonOnly) {

		Malformed(String name, String request, boolean jsonOnly) {
			this(name, request, 0, jsonOnly);
		}

		boolean expected(int answered) {
			return (this.status == 0) ? answered >= 400 && answered < 500 : answered == this.status;
		}

	}

	/**
	 * A request with this many header fields in all, Host among them. HTTP/1.0: the connection
	 * closes after the answer without a Connection field (HAProxy does not count that one).
	 */
	private static String withHeaderFields(int fields) {
		StringBuilder request = new StringBuilder("GET /status HTTP/1.0\r\nHost: sec-it\r\n");
		for (int i = 1; i < fields; i++) {
			request.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
		}
		return request.append("\r\n").toString();
	}

	/** A request with one header field of this many KB (plus Host and Connection). */
	private static String withAHeaderFieldOf(int kilobytes) {
		return "GET /status HTTP/1.1\r\nHost: sec-it\r\nConnection: close\r\nX-Big: " + "a".repeat(kilobytes * 1024)
				+ "\r\n\r\n";
	}

	@Test
	@Order(7)
	@DisplayName("g. Malformed, oversized and smuggling-shaped requests; requests just within the limits")
	void gMalformedRequestsGetA4xxRequestsWithinTheLimitsAreServedAndNothingLeaks(SwarmStack stack) {
		String g = "g";
		String host = "Host: sec-it\r\nConnection: close\r\n";
		List<Malformed> requests = List.of(new Malformed("bad request line", "GARBAGE / NONSENSE\r\n\r\n", false),
				new Malformed("invalid percent-encoding /%zz", "GET /%zz HTTP/1.1\r\n" + host + "\r\n", true),
				new Malformed((MAX_HEADER_FIELDS + 1) + " header fields", withHeaderFields(MAX_HEADER_FIELDS + 1), 400, false),
				new Malformed("a " + TOO_LARGE_HEADER_KB + " KB header field", withAHeaderFieldOf(TOO_LARGE_HEADER_KB), 400,
						false),
				new Malformed("Content-Length and Transfer-Encoding (CL.TE smuggling shape)", "GET /status HTTP/1.1\r\n" + host
						+ "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", true),
				new Malformed("two different Content-Lengths", "GET /status HTTP/1.1\r\n" + host
						+ "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", false),
				new Malformed("Transfer-Encoding: chunked with a bad chunk", "GET /status HTTP/1.1\r\n" + host
						+ "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", false),
				new Malformed("GET with a body", "GET /status HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\n{}", 400, true),
				new Malformed("POST", "POST /status HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\n{}", true),
				new Malformed("PUT", "PUT /status HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\n{}", true),
				new Malformed("DELETE", "DELETE /status HTTP/1.1\r\n" + host + "\r\n", true),
				new Malformed("HTTP/0.9", "GET /status\r\n", false));
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(2));
			// Just within the edge's limits: served (the instance takes what HAProxy lets through).
			for (Map.Entry<String, String> within : List.of(
					Map.entry(MAX_HEADER_FIELDS + " header fields", withHeaderFields(MAX_HEADER_FIELDS)),
					Map.entry("a " + LARGE_HEADER_KB + " KB header field", withAHeaderFieldOf(LARGE_HEADER_KB)))) {
				RawHttp.Answer answer = RawHttp.send(Endpoints.PUBLIC_PORT, within.getValue(), Duration.ofSeconds(8));
				SecurityReport.check(g, within.getKey() + " (within the limits)", "200 OK",
						answer.status() + " " + answer.body().strip(),
						answer.status() == 200 && answer.body().strip().equals("OK"));
			}
			for (Malformed request : requests) {
				RawHttp.Answer answer = RawHttp.send(Endpoints.PUBLIC_PORT, request.request(), Duration.ofSeconds(8));
				boolean json = isJson(answer.body());
				boolean builtIn = isHaproxyBuiltInPage(answer);
				SecurityReport.check(g, request.name(),
						((request.status() == 0) ? "4xx" : String.valueOf(request.status())) + "; "
								+ (request.jsonOnly() ? "JSON body" : "JSON body, or HAProxy's parser's built-in page")
								+ "; no name, version or stack trace",
						answer.status() + ", " + bodyKind(answer) + leaks(answer),
						request.expected(answer.status()) && (json || (!request.jsonOnly() && builtIn))
								&& leaks(answer).isEmpty());
			}
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(2));
			SecurityReport.finish(g, load);
		}
	}

	// --- helpers ----------------------------------------------------------------------------------

	/**
	 * The client holds as many connections as it may have open (bash, /dev/tcp), then asks on one
	 * more: refused (curl: no HTTP status). Once it has closed them, it is served again.
	 */
	private static void checkTheConnectionLimit(String attack, NetNamespace client, int limit) {
		String url = "http://" + client.hostAddress() + ":" + Endpoints.PUBLIC_PORT + "/status";
		String script = "held=0; for ((i = 0; i < " + limit + "; i++)); do exec {fd}<>/dev/tcp/" + client.hostAddress()
				+ "/" + Endpoints.PUBLIC_PORT + " && held=$((held + 1)); done; sleep 0.5; "
				+ "echo \"$held $(curl -s -o /dev/null -w '%{http_code}' -m 5 " + url + ")\"";
		String[] heldAndNext = client.exec(Duration.ofSeconds(30), "bash", "-c", script).output().strip().split("\\s+");
		String after = client.exec(Duration.ofSeconds(20), "bash", "-c",
				"sleep 1; curl -s -o /dev/null -w '%{http_code}' -m 5 " + url).output().strip();
		SecurityReport.check(attack, client.address() + " holds " + limit + " connections (limit " + limit
				+ " per client), then opens one more; then closes them and asks again",
				limit + " held, the next refused (no HTTP status: 000), then 200",
				String.join(" ", heldAndNext) + ", then " + after,
				heldAndNext.length == 2 && heldAndNext[0].equals(String.valueOf(limit)) && heldAndNext[1].equals("000")
						&& after.equals("200"));
	}

	/** The same curl call from the intruder to every Consul server; one check with the statuses (and the first body's start). */
	private static void everyServer(String attack, Intruder from, String attempt, String curlArgs, String path,
			String expected, IntPredicate accepted) {
		everyServer(attack, from, attempt, curlArgs, path, expected, accepted, true);
	}

	/** ... without any body in the report when showBody is false (an answer that holds a secret). */
	private static void everyServer(String attack, Intruder from, String attempt, String curlArgs, String path,
			String expected, IntPredicate accepted, boolean showBody) {
		Shell.Result result = from.sh(CURL + EVERY_SERVER + "c " + curlArgs + "\"http://$s:8500" + path + "\"; done");
		List<String> answers = result.output().lines().filter((l) -> l.matches("\\d{3}( .*)?")).toList();
		List<Integer> codes = answers.stream().map((l) -> Integer.parseInt(l.substring(0, 3))).toList();
		String observed = codes.stream().map(String::valueOf).collect(Collectors.joining(", "))
				+ (showBody ? answers.stream().map((l) -> l.substring(3).strip()).filter((s) -> !s.isEmpty()).findFirst()
					.map((s) -> " (" + s + ")").orElse("") : "");
		SecurityReport.check(attack, attempt + ", each of the " + SwarmStack.CONSUL_SERVERS + " servers", expected,
				codes.isEmpty() ? "no answer: " + result.output().strip() : observed,
				codes.size() == SwarmStack.CONSUL_SERVERS && codes.stream().allMatch(accepted::test));
	}

	/** The host ports deploy/docker-stack.yml publishes (services.*.ports[*].published). */
	static Set<Integer> publishedPortsOfTheStackFile() {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new FileSystemResource(Project.ROOT.resolve("deploy").resolve("docker-stack.yml")));
		Properties properties = yaml.getObject();
		Set<Integer> ports = new TreeSet<>();
		Pattern published = Pattern.compile("services\\.[^.]+\\.ports\\[\\d+\\]\\.published");
		if (properties != null) {
			properties.forEach((key, value) -> {
				if (published.matcher(key.toString()).matches()) {
					ports.add(Integer.parseInt(value.toString().trim()));
				}
			});
		}
		return ports;
	}

	/** The host ports the services of the deployed stack publish. */
	static Set<Integer> publishedPortsOfTheRunningStack() {
		List<String> command = new ArrayList<>(List.of("docker", "service", "inspect", "--format",
				"{{range .Spec.EndpointSpec.Ports}}{{.PublishedPort}} {{end}}"));
		command.addAll(SwarmStack.serviceIds());
		return Shell.run(command.toArray(String[]::new)).lines()
			.flatMap((line) -> List.of(line.trim().split("\\s+")).stream())
			.filter((p) -> p.matches("\\d+"))
			.map(Integer::valueOf)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/**
	 * Seconds until the client of a namespace gets 200 from the URL, asking once a second; -1 when
	 * it did not within the limit.
	 */
	private static double secondsUntilServed(NetNamespace client, String url, long limitSeconds) {
		long start = Timing.now();
		while (Timing.secondsSince(start) <= limitSeconds) {
			String code = client.exec(Duration.ofSeconds(10), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m",
					"5", url).output().strip();
			if (code.equals("200")) {
				return Timing.secondsSince(start);
			}
			Timing.pause(Duration.ofSeconds(1));
		}
		return -1;
	}

	/** A variable of the HAProxy service's environment (deploy/docker-stack.yml sets it). */
	static int haproxyEnvironment(String name) {
		return Optional.ofNullable(SwarmStack.environment(SwarmStack.HAPROXY).get(name))
			.map(Integer::parseInt)
			.orElseThrow(() -> new IllegalStateException("the HAProxy service's environment has no " + name));
	}

	/** A curl config (-K) of n requests to the URL, answers discarded; curl sends them one after the other on one connection. */
	private static void writeCurlConfig(Path file, String url, int times) throws IOException {
		Files.writeString(file, ("url = \"" + url + "\"\noutput = \"/dev/null\"\n").repeat(times));
	}

	private static Map<String, Long> statusCounts(Shell.Result curl) {
		return curl.output().lines().map(String::strip).filter((l) -> !l.isEmpty())
			.collect(Collectors.groupingBy((l) -> l, TreeMap::new, Collectors.counting()));
	}

	private static boolean isJson(String body) {
		try {
			return !body.isBlank() && Json.read(body).isObject();
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	/** The page HAProxy's HTTP/1 parser answers with (no errorfile applies to it in HAProxy 3.0). */
	private static boolean isHaproxyBuiltInPage(RawHttp.Answer answer) {
		return answer.body().startsWith("<html><body><h1>" + answer.status() + " ");
	}

	private static String bodyKind(RawHttp.Answer answer) {
		if (isJson(answer.body())) {
			String json = Json.oneLine(Json.read(answer.body()));
			return "JSON " + ((json.length() > 120) ? json.substring(0, 117) + "..." : json);
		}
		if (isHaproxyBuiltInPage(answer)) {
			return "HAProxy's built-in page \"" + answer.body().replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip() + "\"";
		}
		return answer.body().isEmpty() ? "no body" : "other body: " + answer.body().strip();
	}

	/** What of the forbidden words showed in the status line, header fields or body ("" if none). */
	private static String leaks(RawHttp.Answer answer) {
		Matcher matcher = LEAK.matcher(answer.text());
		Set<String> found = new TreeSet<>();
		while (matcher.find()) {
			found.add(matcher.group());
		}
		return found.isEmpty() ? "" : "; LEAKS " + found;
	}

	/** An intruder agent is refused: its log has the line, and `consul members` does not list it. */
	private static void checkRefusedMembership(String id, String attempt, String expected, Intruder intruder,
			String logLine, String members) {
		String logs = intruder.logs();
		boolean member = members.contains(intruder.name());
		SecurityReport.check(id, attempt, expected, lineWith(logs, logLine) + "; in `consul members`: " + member,
				logs.contains(logLine) && !member);
	}

	private static String lineWith(String log, String text) {
		return log.lines().filter((l) -> l.contains(text)).findFirst().map(String::strip).orElse("(not in its log)");
	}

	private static String summary(Map<String, Integer> statuses) {
		Map<Integer, List<String>> byStatus = new TreeMap<>();
		statuses.forEach((path, status) -> byStatus.computeIfAbsent(status, (k) -> new ArrayList<>()).add(path));
		return byStatus.entrySet().stream()
			.map((e) -> e.getKey() + " on " + (e.getValue().size() == statuses.size() ? "all " + e.getValue().size()
					: String.join(" ", e.getValue())))
			.collect(Collectors.joining("; "));
	}

}
