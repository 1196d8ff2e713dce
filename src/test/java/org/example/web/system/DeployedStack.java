package org.example.web.system;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Deploys the stack once for all system test classes of a run (the first one that asks), and
 * removes it when the run ends (keep it with -Dstack.keep=true).
 */
final class DeployedStack implements ParameterResolver {

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == SwarmStack.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return context.getRoot()
			.getStore(ExtensionContext.Namespace.GLOBAL)
			.computeIfAbsent(SwarmStack.class, (key) -> SwarmStack.deploy(), SwarmStack.class);
	}

}
