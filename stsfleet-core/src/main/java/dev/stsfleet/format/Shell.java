package dev.stsfleet.format;

import dev.stsfleet.InvalidInputException;
import java.util.Locale;

/** The shells {@link EnvRenderer} writes for. */
public enum Shell {
    BASH,
    ZSH,
    FISH,
    /** Windows PowerShell and PowerShell 7 ({@code pwsh}). */
    POWERSHELL;

    /**
     * The shell named {@code name} (case-insensitive; {@code pwsh} means {@link #POWERSHELL}).
     *
     * @throws InvalidInputException for any other name, listing the known ones
     */
    public static Shell parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "bash", "sh" -> BASH;
            case "zsh" -> ZSH;
            case "fish" -> FISH;
            case "powershell", "pwsh" -> POWERSHELL;
            default -> throw new InvalidInputException("unknown shell '" + printable(name)
                    + "': expected bash, zsh, fish or powershell");
        };
    }

    /** The lower-case name, as {@code --shell} takes it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String printable(String s) {
        return s == null ? "" : s.codePoints().collect(StringBuilder::new,
                (b, cp) -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp), StringBuilder::append).toString();
    }
}
