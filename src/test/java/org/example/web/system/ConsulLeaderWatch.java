package org.example.web.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.example.web.support.Json;
import org.example.web.support.Timing;
import tools.jackson.databind.JsonNode;

/**
 * Watches the Consul servers' raft state every {@link #INTERVAL}: each running server is asked
 * directly (its docker_gwbridge address, /v1/agent/self with the management token) for its raft
 * state and term. A sample "has a leader" when some server says it is in state Leader. A
 * leadership is a leader and its raft term: the same server elected again (a new term) is a new
 * leadership. Elections tried, won or not, show in the rise of the highest raft term.
 */
final class ConsulLeaderWatch implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(500);

	/**
	 * One poll: when, which leader (empty: none) in which term (0: none), the highest term any
	 * server reported.
	 */
	record Sample(long at, String leader, long leaderTerm, long term) {
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
		try {
			for (var server : this.stack.gwbridgeAddresses(SwarmStack.CONSUL).entrySet()) {
				JsonNode raft;
				try {
					raft = agentSelf(server.getValue()).path("Stats").path("raft");
				}
				catch (RuntimeException ex) {
					continue; // a server that is going or not yet there: no evidence either way
				}
				term = Math.max(term, raft.path("term").asLong(0));
				// An old leader may still say Leader for a moment next to the new one: the newer term leads.
				long serverTerm = raft.path("term").asLong(0);
				if (raft.path("state").asString("").equals("Leader") && (leader.isEmpty() || serverTerm > leaderTerm)) {
					leader = server.getKey();
					leaderTerm = serverTerm;
				}
			}
		}
		catch (RuntimeException ex) {
			return; // docker did not answer: no sample
		}
		synchronized (this.samples) {
			this.samples.add(new Sample(at, leader, leaderTerm, term));
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
