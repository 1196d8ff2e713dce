package org.example.web.discovery;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Registers the instance with its Consul agent at the end of its start-up, with its check passing
 * from the first moment when its readiness is UP. Spring Cloud Consul would register it when the
 * public web server starts, before the management server that answers the readiness check and
 * before readiness is up: the agent's first check failed, and the next one came an interval (1 s)
 * later. Registration at start-up is switched off in application.yaml
 * ({@code spring.cloud.consul.discovery.register=false}); the library still gives the
 * registration its port and its check.
 * <p>
 * Registration happens when the readiness state turns to ACCEPTING_TRAFFIC (here) and, while it
 * is, when the agent has forgotten the instance ({@link RegistrationWatchdog}). The check's
 * initial status is what the check itself would find at its next run: "passing" when the
 * readiness health group (the check's endpoint: the readiness state and any indicator added to
 * the group) is UP, critical otherwise. From then on the agent's HTTP check runs every interval.
 * A registration the agent already holds keeps its check's status (Consul restores it when a
 * service registers again).
 */
@Component
class RegisterWhenReady {

	private static final String PASSING = "passing";

	/** The health group the Consul check asks for (application.yaml, health-check-url). */
	private static final String READINESS_GROUP = "readiness";

	private final ConsulServiceRegistry registry;

	private final ConsulAutoRegistration registration;

	private final HealthEndpoint health;

	RegisterWhenReady(ConsulServiceRegistry registry, ConsulAutoRegistration registration, HealthEndpoint health) {
		this.registry = registry;
		this.registration = registration;
		this.health = health;
	}

	@EventListener
	void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			register();
		}
	}

	/**
	 * Registers the instance, its check passing if its readiness is UP. Should the agent not
	 * answer, the library logs it (fail-fast is off) and the watchdog registers once it answers.
	 */
	void register() {
		// The library makes the check when the web server starts (with its port): set it here.
		NewService.Check check = this.registration.getService().getCheck();
		if (check != null) {
			// No status: Consul's initial one, critical.
			check.setStatus(readinessUp() ? PASSING : null);
		}
		this.registry.register(this.registration);
	}

	private boolean readinessUp() {
		HealthDescriptor readiness = this.health.healthForPath(READINESS_GROUP);
		return readiness != null && Status.UP.equals(readiness.getStatus());
	}

}
