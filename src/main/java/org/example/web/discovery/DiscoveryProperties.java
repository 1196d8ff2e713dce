package org.example.web.discovery;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What this service adds to Spring Cloud Consul, validated at start-up so that a bad value stops
 * the service with a message naming the property.
 *
 * @param serviceName the Consul service name (also {@code spring.cloud.consul.discovery.service-name})
 * @param reregisterInterval how often the instance checks that its local agent still holds its
 * registration, and registers again when it does not (Consul not up yet at start, agent restarted)
 * @param drainPeriod how long a stopping instance keeps serving after it has deregistered, so that
 * HAProxy, which learns of the change through its health check and DNS, stops sending it requests
 * before the web server stops accepting them
 */
@ConfigurationProperties("app.discovery")
@Validated
record DiscoveryProperties(@NotBlank String serviceName, @NotNull @DurationMin(seconds = 1) Duration reregisterInterval,
		@NotNull @DurationMin(millis = 0) Duration drainPeriod) {
}
