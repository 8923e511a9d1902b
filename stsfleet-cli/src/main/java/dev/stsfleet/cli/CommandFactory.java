package dev.stsfleet.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import picocli.CommandLine;

/**
 * Builds the commands of one command line: a class with a constructor taking a {@link CommandContext} gets the
 * command line's; anything else (mixins, converters, commands that need nothing) comes from picocli's default
 * factory.
 */
final class CommandFactory implements CommandLine.IFactory {
    private final CommandContext context;

    CommandFactory(CommandContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> constructor;
        try {
            constructor = type.getDeclaredConstructor(CommandContext.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
        constructor.setAccessible(true);
        try {
            return constructor.newInstance(context);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
