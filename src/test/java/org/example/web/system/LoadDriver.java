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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded, constant-rate load through HAProxy's public frontend: one GET every 1/rate seconds,
 * whatever the answers take (open model), each request recorded with its outcome. Stops by itself
 * after {@code maxDuration}.
 */
final class LoadDriver implements AutoCloseable {

	private static final Pattern HOSTNAME = Pattern.compile("\"hostname\"\\s*:\\s*\"([^\"]+)\"");

	private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final URI uri;

	private final int ratePerSecond;

	private final long startMillis = System.currentTimeMillis();

	private final ScheduledFuture<?> task;

	private LoadDriver(URI uri, int ratePerSecond, Duration maxDuration) {
		this.uri = uri;
		this.ratePerSecond = ratePerSecond;
		this.task = this.scheduler.scheduleAtFixedRate(this::sendOne, 0, 1_000_000 / ratePerSecond,
				TimeUnit.MICROSECONDS);
		this.scheduler.schedule(() -> this.task.cancel(false), maxDuration.toMillis(), TimeUnit.MILLISECONDS);
	}

	static LoadDriver start(String url, int ratePerSecond, Duration maxDuration) {
		return new LoadDriver(URI.create(url), ratePerSecond, maxDuration);
	}

	private void sendOne() {
		HttpRequest request = HttpRequest.newBuilder(this.uri).timeout(Duration.ofSeconds(10)).GET().build();
		long sentAt = System.currentTimeMillis();
		long start = System.nanoTime();
		this.inFlight.incrementAndGet();
		this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
			long micros = (System.nanoTime() - start) / 1000;
			if (error == null) {
				String kind = (response.statusCode() >= 500) ? "5xx" : (response.statusCode() >= 400) ? "4xx" : null;
				this.samples.add(new Sample(sentAt, response.statusCode(), micros, find(HOSTNAME, response.body()),
						find(VERSION, response.body()), kind));
			}
			else {
				this.samples.add(new Sample(sentAt, -1, micros, null, null, kind(error)));
			}
			this.inFlight.decrementAndGet();
		});
	}

	private static String find(Pattern pattern, String body) {
		Matcher matcher = pattern.matcher(body);
		return matcher.find() ? matcher.group(1) : null;
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

	/** Stops sending, waits for the answers still due, and sums up. */
	LoadSummary stop() {
		this.task.cancel(false);
		long deadline = System.currentTimeMillis() + 15_000;
		while (this.inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
			sleep(50);
		}
		this.scheduler.shutdownNow();
		return new LoadSummary(this.ratePerSecond, this.startMillis, System.currentTimeMillis(),
				new ArrayList<>(this.samples));
	}

	/** Lets the load run for that long, then stops it and sums up. */
	LoadSummary stopAfter(Duration duration) {
		sleep(duration.toMillis());
		return stop();
	}

	/** The samples so far (for waiting on a condition while the load runs). */
	List<Sample> samples() {
		return new ArrayList<>(this.samples);
	}

	@Override
	public void close() {
		this.task.cancel(false);
		this.scheduler.shutdownNow();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One request: when it was sent, its status (-1: no answer), latency, which instance and
	 * version answered, what went wrong (refused, reset, timeout, 5xx, 4xx; null when it succeeded).
	 */
	record Sample(long sentAtMillis, int status, long latencyMicros, String instance, String version, String error) {

		boolean failed() {
			return this.error != null;
		}

	}

}
