package org.example.web.discovery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.model.http.agent.Service;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the instance registered with its Consul agent while it is ready. {@link RegisterWhenReady}
 * registers once, when it becomes ready, and the library only logs a warning when the agent does
 * not answer (fail-fast off); its re-register-on-failure applies to TTL checks only. So when Consul
 * comes up after the service, or the agent restarts and forgets its services, nothing would
 * register again. This asks the agent every {@code app.discovery.reregister-interval} whether it
 * still holds the registration and, if not, registers it again, its check passing.
 * <p>
 * {@link #stop()} returns only once a pass already under way has ended, so that the deregistration
 * of {@link DrainOnShutdown} comes after any registration of that pass, not before it.
 */
@Component
class RegistrationWatchdog {

	private static final Logger log = LoggerFactory.getLogger(RegistrationWatchdog.class);

	/** How long {@link #stop()} waits for a pass under way: a few calls to the local agent. */
	static final Duration PASS_UNDER_WAY_WAIT = Duration.ofSeconds(2);

	/** Held by a pass from its check of {@link #active} to its end. */
	private final Lock pass = new ReentrantLock();

	private final ConsulClient consul;

	private final RegisterWhenReady registrar;

	private final ConsulAutoRegistration registration;

	private final ApplicationAvailability availability;

	private volatile boolean active = true;

	private volatile boolean agentReachable = true;

	RegistrationWatchdog(ConsulClient consul, RegisterWhenReady registrar, ConsulAutoRegistration registration,
			ApplicationAvailability availability) {
		this.consul = consul;
		this.registrar = registrar;
		this.registration = registration;
		this.availability = availability;
	}

	@Scheduled(initialDelayString = "${app.discovery.reregister-interval}",
			fixedDelayString = "${app.discovery.reregister-interval}")
	void ensureRegistered() {
		this.pass.lock();
		try {
			ensureRegisteredNow();
		}
		finally {
			this.pass.unlock();
		}
	}

	private void ensureRegisteredNow() {
		// Not ready (yet): RegisterWhenReady registers it once it is.
		if (!this.active || this.availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC) {
			return;
		}
		try {
			Map<String, Service> services = this.consul.getAgentServices().getBody();
			if (!this.agentReachable) {
				log.info("Consul agent answers again");
				this.agentReachable = true;
			}
			if (services == null || !services.containsKey(this.registration.getInstanceId())) {
				log.info("Consul agent does not hold {}: registering", this.registration.getInstanceId());
				this.registrar.register();
			}
		}
		catch (RuntimeException ex) {
			if (this.agentReachable) {
				log.warn("Consul agent not reachable ({}); retrying every interval", ex.getMessage());
				this.agentReachable = false;
			}
		}
	}

	/** Stops re-registering (the instance is leaving), once a pass under way has ended. */
	void stop() {
		this.active = false;
		try {
			if (this.pass.tryLock(PASS_UNDER_WAY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				this.pass.unlock();
			}
			else {
				log.warn("A registration pass still runs after {}; deregistering anyway", PASS_UNDER_WAY_WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
