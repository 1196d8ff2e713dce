package org.example.web.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.example.web.support.Json;
import org.example.web.support.Timing;
import tools.jackson.databind.JsonNode;

/**
 * Watches the Consul servers' raft state every {@link #INTERVAL}: each running server is asked
 * directly (its docker_gwbridge address, /v1/agent/self with the management token) for its raft
 * state and term. A sample "has a leader" when some server says it is in state Leader. A
 * leadership is a leader and its raft term: the same server elected again (a new term) is a new
 * leadership. Elections tried, won or not, show in the rise of the highest raft term. A sample
 * also counts the live voters: the servers that answered and are voters in the raft configuration
 * of the server with the newest term (the leader's when there is one). Without a leader too: a
 * server stopped before the previous one is a voter again leaves one live voter and no leader.
 */
final class ConsulLeaderWatch implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(500);

	/** The servers' raft port (consul/server.hcl keeps Consul's default): raft's configuration lists ADDRESS:8300. */
	static final int RAFT_PORT = 8300;

	/** A voter in raft's configuration as Consul 1.8 prints it: {Suffrage:Voter ID:... Address:10.0.1.5:8300}. */
	private static final Pattern VOTER = Pattern.compile("Suffrage:Voter ID:\\S+ Address:([^}\\s]+)");

	/**
	 * One poll: when, which leader (empty: none) in which term (0: none), the highest term any
	 * server reported, and how many voters of the newest configuration answered.
	 */
	record Sample(long at, String leader, long leaderTerm, long term, int liveVoters) {
		boolean hasLeader() {
			return !this.leader.isEmpty();
		}
	}

	private final String token = Credentials.read("consul-master.token");

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(400)).build();

	private final List<Sample> samples = new ArrayList<>();

	private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();

	private final SwarmStack stack;

	private ConsulLeaderWatch(SwarmStack stack) {
		this.stack = stack;
	}

	static ConsulLeaderWatch start(SwarmStack stack) {
		ConsulLeaderWatch watch = new ConsulLeaderWatch(stack);
		watch.poller.scheduleWithFixedDelay(watch::poll, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		return watch;
	}

	private void poll() {
		long at = Timing.now();
		String leader = "";
		long leaderTerm = 0;
		long term = 0;
		String configuration = "";
		long configurationTerm = -1;
		Set<String> answered = new HashSet<>();
		try {
			for (var server : this.stack.gwbridgeAddresses(SwarmStack.CONSUL).entrySet()) {
				JsonNode self;
				try {
					self = agentSelf(server.getValue());
				}
				catch (RuntimeException ex) {
					continue; // a server that is going or not yet there: no evidence either way
				}
				JsonNode raft = self.path("Stats").path("raft");
				term = Math.max(term, raft.path("term").asLong(0));
				String state = raft.path("state").asString("");
				answered.add(self.path("Member").path("Addr").asString("") + ":" + RAFT_PORT);
				// An old leader may still say Leader for a moment next to the new one: the newer term leads.
				long serverTerm = raft.path("term").asLong(0);
				if (state.equals("Leader") && (leader.isEmpty() || serverTerm > leaderTerm)) {
					leader = server.getKey();
					leaderTerm = serverTerm;
				}
				// The configuration of the newest term, the leader's among servers of that term.
				if (serverTerm > configurationTerm || (serverTerm == configurationTerm && state.equals("Leader"))) {
					configurationTerm = serverTerm;
					configuration = raft.path("latest_configuration").asString("");
				}
			}
		}
		catch (RuntimeException ex) {
			return; // docker did not answer: no sample
		}
		synchronized (this.samples) {
			this.samples.add(new Sample(at, leader, leaderTerm, term, liveVoters(configuration, answered)));
		}
	}

	private JsonNode agentSelf(String address) {
		try {
			HttpResponse<String> response = this.client.send(
					HttpRequest.newBuilder(URI.create("http://" + address + ":8500/v1/agent/self"))
						.header("X-Consul-Token", this.token)
						.timeout(Duration.ofMillis(800))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return Json.read(response.body());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The voters of a raft configuration whose address is among those that answered. */
	static int liveVoters(String configuration, Set<String> answered) {
		Matcher voter = VOTER.matcher(configuration);
		int live = 0;
		while (voter.find()) {
			live += answered.contains(voter.group(1)) ? 1 : 0;
		}
		return live;
	}

	List<Sample> samples() {
		synchronized (this.samples) {
			return List.copyOf(this.samples);
		}
	}

	/** The longest stretch, in seconds, of consecutive samples without a leader. */
	double longestSecondsWithoutLeader() {
		double longest = 0;
		Long since = null;
		for (Sample sample : samples()) {
			if (!sample.hasLeader()) {
				since = (since == null) ? sample.at() : since;
				longest = Math.max(longest, (sample.at() - since) / 1000.0 + INTERVAL.toMillis() / 1000.0);
			}
			else {
				since = null;
			}
		}
		return longest;
	}

	/** The fewest live voters of any sample (the restarted server's slot empty: one fewer than the servers). */
	int fewestLiveVoters() {
		return samples().stream().mapToInt(Sample::liveVoters).min().orElse(0);
	}

	/** The longest stretch, in seconds, of consecutive samples with fewer than {@code voters} live voters. */
	double longestSecondsWithFewerLiveVotersThan(int voters) {
		return longestSecondsWithFewerLiveVotersThan(samples(), voters);
	}

	static double longestSecondsWithFewerLiveVotersThan(List<Sample> samples, int voters) {
		double longest = 0;
		Long since = null;
		for (Sample sample : samples) {
			if (sample.liveVoters() < voters) {
				since = (since == null) ? sample.at() : since;
				longest = Math.max(longest, (sample.at() - since) / 1000.0 + INTERVAL.toMillis() / 1000.0);
			}
			else {
				since = null;
			}
		}
		return longest;
	}

	/** How far the highest raft term rose while watched: elections, including those nobody won. */
	long termRise() {
		List<Sample> all = samples().stream().filter((s) -> s.term() > 0).toList();
		return all.isEmpty() ? 0 : all.get(all.size() - 1).term() - all.get(0).term();
	}

	/**
	 * Each leadership seen, in order, as "container@term" (a restarted server is another container;
	 * a server elected again appears again, with its new term).
	 */
	List<String> leaderships() {
		return leaderships(samples());
	}

	static List<String> leaderships(List<Sample> samples) {
		List<String> leaders = new ArrayList<>();
		Sample previous = null;
		for (Sample sample : samples) {
			if (!sample.hasLeader()) {
				continue;
			}
			if (previous == null || !sample.leader().equals(previous.leader())
					|| sample.leaderTerm() != previous.leaderTerm()) {
				leaders.add(sample.leader() + "@" + sample.leaderTerm());
			}
			previous = sample;
		}
		return leaders;
	}

	@Override
	public void close() {
		this.poller.shutdownNow();
	}

}
