package dev.stsfleet.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build), so it is written in one place: the pom. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {line(), runtime()};
    }

    /** {@code stsfleet <version>}: what {@code --version} prints, with or without picocli. */
    static String line() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        // concat, not +: this runs on the fast path of Main, where + would spin method-handle classes.
        return "stsfleet ".concat(version == null ? "(development build)" : version);
    }

    /** The Java runtime running it ({@code bin/stsfleet} picks one): version, vendor and home. */
    static String runtime() {
        return "Java ".concat(System.getProperty("java.version")).concat(" (")
                .concat(System.getProperty("java.vendor")).concat(") at ").concat(System.getProperty("java.home"));
    }
}
