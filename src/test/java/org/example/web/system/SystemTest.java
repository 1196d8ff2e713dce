package org.example.web.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A system test class: its tests run in {@code @Order} against the one stack deployed for the
 * whole run (a {@link SwarmStack} parameter), and write to this run's reports.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({ SystemTestRun.class, DeployedStack.class })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@interface SystemTest {

}
