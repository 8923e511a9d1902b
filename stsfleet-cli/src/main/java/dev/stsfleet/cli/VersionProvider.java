package dev.stsfleet.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build), so it is written in one place: the pom. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = RootCommand.class.getPackage().getImplementationVersion();
        return new String[] {"stsfleet " + (version == null ? "(development build)" : version)};
    }
}
