package org.example.web.status;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /whoami}: which instance answered, to see the balancing from outside. The optional
 * {@code delayMs} (at most 5 s, and only where {@code app.whoami.delay-enabled} is on) makes the
 * answer slow on purpose, so that tests can prove a stopping instance finishes the requests it
 * has already accepted.
 */
@RestController
@EnableConfigurationProperties(WhoAmIProperties.class)
class WhoAmIController {

	static final long MAX_DELAY_MS = 5000;

	private final ObjectProvider<Registration> registration;

	private final String version;

	private final String hostname;

	private final String localAddress;

	private final Instant startedAt;

	private final boolean delayEnabled;

	WhoAmIController(ObjectProvider<Registration> registration, ObjectProvider<BuildProperties> build,
			WhoAmIProperties whoami) {
		this.registration = registration;
		this.delayEnabled = whoami.delayEnabled();
		BuildProperties properties = build.getIfAvailable();
		this.version = (properties != null) ? properties.getVersion() : "unknown";
		InetAddress local = localHost();
		this.hostname = local.getHostName();
		this.localAddress = local.getHostAddress();
		this.startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
	}

	@GetMapping("/whoami")
	InstanceInfo whoami(@RequestParam(defaultValue = "0") @PositiveOrZero @Max(MAX_DELAY_MS) long delayMs)
			throws InterruptedException {
		if (delayMs > 0) {
			if (!this.delayEnabled) {
				throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
			}
			Thread.sleep(Duration.ofMillis(delayMs));
		}
		Registration own = this.registration.getIfAvailable();
		String instanceId = (own != null) ? own.getInstanceId() : this.hostname;
		String address = (own != null) ? own.getHost() : this.localAddress;
		return new InstanceInfo(instanceId, this.hostname, address, this.version, this.startedAt);
	}

	private static InetAddress localHost() {
		try {
			return InetAddress.getLocalHost();
		}
		catch (UnknownHostException ex) {
			return InetAddress.getLoopbackAddress();
		}
	}

}
