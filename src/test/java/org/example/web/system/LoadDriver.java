package org.example.web.system;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.example.web.support.Timing;
import org.example.web.support.WhoAmI;

/**
 * A bounded, constant-rate load: one GET every 1/rate seconds, whatever the answers take (open
 * model). Every request sent is accounted for: it ends as exactly one {@link Sample}, answered,
 * failed, or, if still unanswered when the load stops, failed as "unanswered". Stops sending by
 * itself after {@code maxDuration}. Use it through {@link Scenario}.
 */
final class LoadDriver {

	/** A request without an answer by then fails as "timeout". */
	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long {@link #stop()} waits for the answers still due: above the request time-out, so
	 * that a request that has none by then never got one ("unanswered").
	 */
	static final Duration ANSWERS_DUE_WITHIN = Duration.ofSeconds(15);

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final AtomicLong sent = new AtomicLong();

	/** Requests sent and not yet answered, by sequence number. */
	private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean timeLimitReached = new AtomicBoolean();

	private final URI uri;

	private final int ratePerSecond;

	private final Duration requestTimeout;

	private final Duration answersDueWithin;

	private final long startMillis = Timing.now();

	private final ScheduledFuture<?> sending;

	private LoadDriver(URI uri, int ratePerSecond, Duration maxDuration, Duration requestTimeout,
			Duration answersDueWithin) {
		this.uri = uri;
		this.ratePerSecond = ratePerSecond;
		this.requestTimeout = requestTimeout;
		this.answersDueWithin = answersDueWithin;
		this.sending = this.scheduler.scheduleAtFixedRate(this::sendOne, 0, 1_000_000 / ratePerSecond,
				TimeUnit.MICROSECONDS);
		this.scheduler.schedule(() -> {
			this.timeLimitReached.set(true);
			this.sending.cancel(false);
		}, maxDuration.toMillis(), TimeUnit.MILLISECONDS);
	}

	static LoadDriver start(String url, int ratePerSecond, Duration maxDuration) {
		return start(url, ratePerSecond, maxDuration, REQUEST_TIMEOUT, ANSWERS_DUE_WITHIN);
	}

	static LoadDriver start(String url, int ratePerSecond, Duration maxDuration, Duration requestTimeout,
			Duration answersDueWithin) {
		return new LoadDriver(URI.create(url), ratePerSecond, maxDuration, requestTimeout, answersDueWithin);
	}

	private void sendOne() {
		long id = this.sent.incrementAndGet();
		InFlight request = new InFlight(Timing.now(), System.nanoTime());
		this.inFlight.put(id, request);
		try {
			request.exchange = this.client.sendAsync(
					HttpRequest.newBuilder(this.uri).timeout(this.requestTimeout).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			request.recorded = request.exchange.handle((response, error) -> {
				record(id, (error == null) ? answered(request, response) : failed(request, kind(error)));
				return null;
			});
		}
		catch (RuntimeException ex) {
			// Never let an exception escape: the scheduler would silently stop sending.
			record(id, failed(request, ex.getClass().getSimpleName()));
		}
	}

	/** Records the request's one sample, unless it already has one (stop() gave up on it). */
	private void record(long id, Sample sample) {
		if (this.inFlight.remove(id) != null) {
			this.samples.add(sample);
		}
	}

	private static Sample answered(InFlight request, HttpResponse<String> response) {
		int status = response.statusCode();
		String kind = (status >= 500) ? "5xx" : (status >= 400) ? "4xx" : null;
		Optional<WhoAmI> who = WhoAmI.parse(response.body());
		return new Sample(request.sentAtMillis, status, request.micros(), who.map(WhoAmI::hostname).orElse(null),
				who.map(WhoAmI::version).orElse(null), kind);
	}

	private static Sample failed(InFlight request, String kind) {
		return new Sample(request.sentAtMillis, -1, request.micros(), null, null, kind);
	}

	private static String kind(Throwable error) {
		Throwable cause = (error.getCause() != null) ? error.getCause() : error;
		if (cause instanceof HttpTimeoutException) {
			return "timeout";
		}
		if (cause instanceof ConnectException) {
			return "refused";
		}
		if (cause instanceof IOException) {
			return "reset";
		}
		return cause.getClass().getSimpleName();
	}

	/**
	 * Stops sending, waits for the answers still due, records the requests that have none as
	 * failed ("unanswered"), and sums up.
	 */
	LoadSummary stop() {
		stopSending();
		awaitAnswers(this.answersDueWithin);
		giveUpOnUnanswered();
		this.client.shutdownNow();
		long end = Timing.now();
		List<Sample> all = new ArrayList<>(this.samples);
		if (all.size() != this.sent.get()) {
			throw new IllegalStateException(this.sent.get() + " requests sent but " + all.size() + " recorded");
		}
		return new LoadSummary(this.ratePerSecond, this.startMillis, end, all, this.timeLimitReached.get());
	}

	/** Stops at once, after a failure: no summary, nothing left running. */
	void abort() {
		stopSending();
		giveUpOnUnanswered();
		this.client.shutdownNow();
	}

	/** The requests answered so far (to wait on a condition while the load runs). */
	LoadSummary soFar() {
		return new LoadSummary(this.ratePerSecond, this.startMillis, Timing.now(), new ArrayList<>(this.samples),
				this.timeLimitReached.get());
	}

	private void stopSending() {
		this.sending.cancel(false);
		this.scheduler.shutdownNow();
		try {
			this.scheduler.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitAnswers(Duration within) {
		CompletableFuture<?>[] due = this.inFlight.values()
			.stream()
			.map((request) -> request.recorded)
			.filter((recorded) -> recorded != null)
			.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(due).get(within.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// the ones still unanswered are recorded as such
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void giveUpOnUnanswered() {
		for (Map.Entry<Long, InFlight> entry : this.inFlight.entrySet()) {
			InFlight request = entry.getValue();
			record(entry.getKey(), failed(request, "unanswered"));
			if (request.exchange != null) {
				request.exchange.cancel(true);
			}
		}
	}

	/** A request on its way: when it left, and what becomes of it. */
	private static final class InFlight {

		final long sentAtMillis;

		final long sentAtNanos;

		volatile CompletableFuture<HttpResponse<String>> exchange;

		volatile CompletableFuture<Void> recorded;

		InFlight(long sentAtMillis, long sentAtNanos) {
			this.sentAtMillis = sentAtMillis;
			this.sentAtNanos = sentAtNanos;
		}

		long micros() {
			return (System.nanoTime() - this.sentAtNanos) / 1000;
		}

	}

	/**
	 * One request: when it was sent, its status (-1: no answer), latency (until the answer, or
	 * until given up), which instance and version answered, what went wrong (refused, reset,
	 * timeout, unanswered, 5xx, 4xx; null when it succeeded).
	 */
	record Sample(long sentAtMillis, int status, long latencyMicros, String instance, String version, String error) {

		boolean failed() {
			return this.error != null;
		}

	}

}
