package dev.stsfleet;

import java.util.List;

/**
 * Input that cannot work (unknown or malformed profiles, bad durations, unreadable files), detected
 * before any STS call. {@link #problems()} lists every problem found, so all can be fixed at once.
 */
public class InvalidInputException extends StsFleetException {
    private final List<String> problems;

    public InvalidInputException(String problem) {
        this(List.of(problem));
    }

    public InvalidInputException(List<String> problems) {
        super(String.join("; ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidInputException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
