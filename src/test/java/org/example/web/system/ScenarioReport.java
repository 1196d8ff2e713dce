package org.example.web.system;

import java.util.Map;

/** Where one reliability scenario writes its figures: a parameter of its test method. */
record ScenarioReport(KnownScenario scenario) {

	/** The load's figures, the scenario's own, its timeline (JSON and PNG) and the updated markdown. */
	void write(LoadSummary load, Map<String, Object> extra) {
		ReliabilityReport.write(this.scenario, load, extra);
	}

	/**
	 * The promise of every reliability scenario, in the one order that keeps the report true:
	 * the figures are written first, failed or not, then the load is checked for failures.
	 */
	void writeAndAssertNoneFailed(LoadSummary load, Map<String, Object> extra) {
		write(load, extra);
		load.assertNoneFailed();
	}

}
