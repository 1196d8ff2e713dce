package org.example.web.discovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first step of an orderly stop (SIGTERM), before the web server's graceful shutdown:
 * <ol>
 * <li>readiness goes DOWN (HAProxy's health check and Consul's check see 503);</li>
 * <li>the instance deregisters from its Consul agent (it leaves the DNS SRV answer);</li>
 * <li>it keeps serving for {@code app.discovery.drain-period}, while HAProxy takes it out;</li>
 * <li>then Boot's graceful shutdown finishes the requests still in flight.</li>
 * </ol>
 * Spring Cloud Consul's own deregistration is switched off
 * ({@code spring.cloud.consul.discovery.deregister=false}): it runs only after the web server has
 * stopped accepting, which is the wrong order.
 */
@Component
class DrainOnShutdown implements SmartLifecycle {

	/** Stops before the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}). */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

	private final ApplicationEventPublisher events;

	private final ConsulServiceRegistry registry;

	private final ConsulAutoRegistration registration;

	private final RegistrationWatchdog watchdog;

	private final DiscoveryProperties properties;

	private volatile boolean running;

	DrainOnShutdown(ApplicationEventPublisher events, ConsulServiceRegistry registry,
			ConsulAutoRegistration registration, RegistrationWatchdog watchdog, DiscoveryProperties properties) {
		this.events = events;
		this.registry = registry;
		this.registration = registration;
		this.watchdog = watchdog;
		this.properties = properties;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.watchdog.stop();
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		String id = this.registration.getInstanceId();
		try {
			this.registry.deregister(this.registration);
			// Contract: this line ("Deregistered <id> from Consul") marks the moment an instance left
			// the pool; the system tests and deploy/bench/measure.sh measure from it
			// (docs/architecture.md, "Contracts").
			log.info("Deregistered {} from Consul; draining for {}", id, this.properties.drainPeriod());
		}
		catch (RuntimeException ex) {
			log.warn("Could not deregister {} from Consul ({}); draining for {}", id, ex.getMessage(),
					this.properties.drainPeriod());
		}
		try {
			Thread.sleep(this.properties.drainPeriod());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
