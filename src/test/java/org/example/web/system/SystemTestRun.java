package org.example.web.system;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the run of the system tests when the first system test class starts, before any test
 * of it: the run's metadata are captured ({@link RunInfo}, load average included), and the
 * report of an earlier run is removed, so that this run's report holds this run's figures only,
 * even if its first test fails.
 */
final class SystemTestRun implements BeforeAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).computeIfAbsent(SystemTestRun.class, (key) -> {
			RunInfo run = RunInfo.current();
			Report.startRun();
			return run;
		}, RunInfo.class);
	}

}
