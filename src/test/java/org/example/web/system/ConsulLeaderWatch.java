package org.example.web.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.example.web.support.Json;
import org.example.web.support.Timing;
import tools.jackson.databind.JsonNode;

/**
 * Watches the Consul servers' raft state every {@link #INTERVAL}: each running server is asked
 * directly (its docker_gwbridge address, /v1/agent/self with the management token) for its raft
 * state and term, all at once, each within {@link #ANSWER_TIMEOUT}. Which servers run and where
 * is looked up with docker by a second thread every {@link #SERVER_LIST_INTERVAL}: a docker
 * command slowed by the update it watches delays that table, never a sample. An old table can only
 * make a sample see fewer live voters (a server missing from it is not asked; one gone from it does
 * not answer), never more; each sample says how old its table was.
 * <p>
 * A sample "has a leader" when some server says it is in state Leader. A leadership is a leader
 * and its raft term: the same server elected again (a new term) is a new leadership. Elections
 * tried, won or not, show in the rise of the highest raft term. A sample also counts the live
 * voters: the servers that answered and are voters in the raft configuration of the server with
 * the newest term (the leader's when there is one). Without a leader too: a server stopped before
 * the previous one is a voter again leaves one live voter and no leader.
 */
final class ConsulLeaderWatch implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(500);

	/**
	 * How long a server may take to answer a poll; a server that did not answer is not counted
	 * live. A poll that waited this long is followed by the next at once (polls at a fixed rate).
	 */
	static final Duration ANSWER_TIMEOUT = Duration.ofMillis(800);

	/**
	 * A report's timeline keeps this many changes (a server answering only now and then makes
	 * many): the first {@link #TIMELINE_HEAD} and the last, where a failing rolling restart ends.
	 */
	static final int MAX_TIMELINE_LINES = 80;

	static final int TIMELINE_HEAD = 30;

	/**
	 * How often docker lists the running servers: two docker processes each time, so less often
	 * than the samples (the machine is busy with the update watched); a restarted server answers
	 * only tens of seconds after its container starts, and a first leader is seen within this.
	 */
	static final Duration SERVER_LIST_INTERVAL = Duration.ofSeconds(1);

	/** A sample whose table of running servers is older than this says so in the timeline: docker was slow. */
	static final Duration OLD_TABLE = SERVER_LIST_INTERVAL.multipliedBy(2);

	/** The servers' raft port (consul/server.hcl keeps Consul's default): raft's configuration lists ADDRESS:8300. */
	static final int RAFT_PORT = 8300;

	/** A voter in raft's configuration as Consul 1.8 prints it: {Suffrage:Voter ID:... Address:10.0.1.5:8300}. */
	private static final Pattern VOTER = Pattern.compile("Suffrage:Voter ID:\\S+ Address:([^}\\s]+)");

	/**
	 * One poll: when, which leader (empty: none) in which term (0: none), the highest term any
	 * server reported, how many voters of the newest configuration answered, how many servers
	 * answered of how many running, and how old (ms) the table of running servers was.
	 */
	record Sample(long at, String leader, long leaderTerm, long term, int liveVoters, int answered, int running,
			long tableAgeMillis) {

		boolean hasLeader() {
			return !this.leader.isEmpty();
		}

		/** What a timeline shows of a sample: a change in any of it is a line. */
		String state() {
			return "leader " + (hasLeader() ? this.leader + "@" + this.leaderTerm : "none") + ", term " + this.term
					+ ", live voters " + this.liveVoters + ", answered " + this.answered + "/" + this.running;
		}

		/** Whether its table of running servers was older than {@link #OLD_TABLE}: the timeline says so. */
		boolean oldTable() {
			return this.tableAgeMillis > OLD_TABLE.toMillis();
		}
	}

	/** A stretch of time (epoch ms) without a sample. */
	record StretchWithoutSample(long from, long to) {
		double seconds() {
			return Timing.secondsBetween(this.from, this.to);
		}

		/** "+A s to +B s" from that moment, as the timeline says when. */
		String between(long since) {
			return String.format(Locale.ROOT, "+%.3f s to +%.3f s", Timing.secondsBetween(since, this.from),
					Timing.secondsBetween(since, this.to));
		}
	}

	/** The running servers (container -> docker_gwbridge address) and when docker listed them. */
	private record Servers(Map<String, String> addresses, long at) {
	}

	private final String token = Credentials.read("consul-master.token");

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(400)).build();

	private final List<Sample> samples = new ArrayList<>();

	private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(2);

	private final SwarmStack stack;

	private volatile Servers servers;

	private final long started = Timing.now();

	private ConsulLeaderWatch(SwarmStack stack) {
		this.stack = stack;
	}

	/** Starts watching; the first sample follows docker's first list of the running servers. */
	static ConsulLeaderWatch start(SwarmStack stack) {
		ConsulLeaderWatch watch = new ConsulLeaderWatch(stack);
		watch.poller.scheduleAtFixedRate(watch::listServersQuietly, 0, SERVER_LIST_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
		watch.poller.scheduleAtFixedRate(watch::pollQuietly, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		return watch;
	}

	private void listServers() {
		long at = Timing.now();
		this.servers = new Servers(this.stack.gwbridgeAddresses(SwarmStack.CONSUL), at);
	}

	private void listServersQuietly() {
		try {
			listServers();
		}
		catch (RuntimeException ex) {
			// docker did not answer: the samples go on with the last table, and say how old it is
		}
	}

	/** A failed poll is no sample (the stretch without a sample shows it): an exception would end the polling. */
	private void pollQuietly() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			// no sample
		}
	}

	private void poll() {
		Servers running = this.servers;
		if (running == null) {
			return; // docker has not listed them yet
		}
		long at = Timing.now();
		Map<String, CompletableFuture<JsonNode>> answers = new TreeMap<>();
		running.addresses().forEach((container, address) -> answers.put(container, agentSelf(address)));
		String leader = "";
		long leaderTerm = 0;
		long term = 0;
		String configuration = "";
		long configurationTerm = -1;
		Set<String> answered = new HashSet<>();
		for (var answer : answers.entrySet()) {
			JsonNode self;
			try {
				self = answer.getValue().join();
			}
			catch (RuntimeException ex) {
				continue; // a server that is going, not yet there or too slow: not counted live
			}
			JsonNode raft = self.path("Stats").path("raft");
			term = Math.max(term, raft.path("term").asLong(0));
			String state = raft.path("state").asString("");
			answered.add(self.path("Member").path("Addr").asString("") + ":" + RAFT_PORT);
			// An old leader may still say Leader for a moment next to the new one: the newer term leads.
			long serverTerm = raft.path("term").asLong(0);
			if (state.equals("Leader") && (leader.isEmpty() || serverTerm > leaderTerm)) {
				leader = answer.getKey();
				leaderTerm = serverTerm;
			}
			// The configuration of the newest term, the leader's among servers of that term.
			if (serverTerm > configurationTerm || (serverTerm == configurationTerm && state.equals("Leader"))) {
				configurationTerm = serverTerm;
				configuration = raft.path("latest_configuration").asString("");
			}
		}
		synchronized (this.samples) {
			this.samples.add(new Sample(at, leader, leaderTerm, term, liveVoters(configuration, answered),
					answered.size(), running.addresses().size(), at - running.at()));
		}
	}

	/** A server's /v1/agent/self, asked now; fails when it does not answer within {@link #ANSWER_TIMEOUT}. */
	private CompletableFuture<JsonNode> agentSelf(String address) {
		CompletableFuture<HttpResponse<String>> sent = this.client.sendAsync(
				HttpRequest.newBuilder(URI.create("http://" + address + ":8500/v1/agent/self"))
					.header("X-Consul-Token", this.token)
					.timeout(ANSWER_TIMEOUT)
					.build(),
				HttpResponse.BodyHandlers.ofString());
		return sent.thenApply((response) -> Json.read(response.body()))
			// The request's own timeout ends with the headers: a body that stalls would stall the poll.
			.orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((self, failure) -> sent.cancel(true));
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

	/** When the watch began (epoch ms): the timeline's zero. */
	long started() {
		return this.started;
	}

	List<Sample> samples() {
		synchronized (this.samples) {
			return List.copyOf(this.samples);
		}
	}

	/** The longest stretch, in seconds, of consecutive samples without a leader. */
	double longestSecondsWithoutLeader() {
		return longestSeconds(samples(), (sample) -> !sample.hasLeader());
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
		return longestSeconds(samples, (sample) -> sample.liveVoters() < voters);
	}

	/** The longest stretch, in seconds, of consecutive samples that match (each counts {@link #INTERVAL}). */
	static double longestSeconds(List<Sample> samples, Predicate<Sample> matches) {
		double longest = 0;
		Long since = null;
		for (Sample sample : samples) {
			if (matches.test(sample)) {
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

	/**
	 * The longest time from {@code from} to {@code to} (epoch ms) without a sample: from then to
	 * the first sample, between two samples, from the last to then. A stretch of the samples is
	 * only as true as this is short.
	 */
	StretchWithoutSample longestStretchWithoutSample(long from, long to) {
		return longestStretchWithoutSample(samples(), from, to);
	}

	static StretchWithoutSample longestStretchWithoutSample(List<Sample> samples, long from, long to) {
		StretchWithoutSample longest = new StretchWithoutSample(from, from);
		long previous = from;
		for (Sample sample : samples) {
			if (sample.at() > from && sample.at() < to) {
				longest = (sample.at() - previous > longest.to() - longest.from()) ? new StretchWithoutSample(previous, sample.at())
						: longest;
				previous = sample.at();
			}
		}
		return (to - previous > longest.to() - longest.from()) ? new StretchWithoutSample(previous, to) : longest;
	}

	/** The oldest table of running servers a sample used, in seconds: how slowly docker answered. */
	double oldestServerTableSeconds() {
		return samples().stream().mapToLong(Sample::tableAgeMillis).max().orElse(0) / 1000.0;
	}

	/**
	 * Every change of state, as "+S.SSS s: state" from the start of the watch: what happened, for
	 * the report and a failure's message.
	 */
	List<String> timeline() {
		return timeline(samples(), this.started);
	}

	/** Also when a sample's table of running servers becomes older than {@link #OLD_TABLE}, and when no longer. */
	static List<String> timeline(List<Sample> samples, long since) {
		List<String> lines = new ArrayList<>();
		String previous = null;
		for (Sample sample : samples) {
			String state = sample.state() + sample.oldTable();
			if (!state.equals(previous)) {
				previous = state;
				lines.add(String.format(Locale.ROOT, "+%.3f s: %s%s", Timing.secondsBetween(since, sample.at()),
						sample.state(), sample.oldTable()
								? String.format(Locale.ROOT, " (servers listed %.1f s before)", sample.tableAgeMillis() / 1000.0)
								: ""));
			}
		}
		if (lines.size() <= MAX_TIMELINE_LINES) {
			return lines;
		}
		List<String> kept = new ArrayList<>(lines.subList(0, TIMELINE_HEAD));
		kept.add("... " + (lines.size() - MAX_TIMELINE_LINES) + " changes left out ...");
		kept.addAll(lines.subList(lines.size() - (MAX_TIMELINE_LINES - TIMELINE_HEAD), lines.size()));
		return kept;
	}

	@Override
	public void close() {
		this.poller.shutdownNow();
		try {
			// A poll under way ends within its answers' timeout; cutting them off would read as dead servers.
			this.poller.awaitTermination(2 * ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.client.shutdownNow();
	}

}
