package dev.stsfleet.org;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountFilesTest {
    private static final List<TargetAccount> SOME = List.of(new TargetAccount("012345678901", "Prod, \"main\""),
            new TargetAccount("111111111111", null), new TargetAccount("222222222222", "dev # 2"));

    private static List<TargetAccount> read(Path file) {
        List<String> problems = new ArrayList<>();
        List<TargetAccount> out = AccountFiles.read(file, problems);
        assertThat(problems).isEmpty();
        return out;
    }

    @Test
    void whatIsWritten_isReadBack_inEveryFormat(@TempDir Path dir) throws Exception {
        for (String name : List.of("a.csv", "a.yaml", "a.yml", "a.json", "a.txt")) {
            Path file = dir.resolve(name);
            AccountFiles.write(file, SOME);
            assertThat(read(file)).as(name).isEqualTo(SOME);
        }
    }

    @Test
    void csv_withAHeaderInAnyColumnOrder_orWithout(@TempDir Path dir) throws Exception {
        Path header = dir.resolve("h.csv");
        Files.writeString(header, "owner,Account Name,account_id\nops,Prod,012345678901\n# skip\n\nsec,\"Audit, main\",111111111111\n");
        Path plain = dir.resolve("plain.csv");
        Files.writeString(plain, "012345678901,Prod\n111111111111\n");

        assertThat(read(header)).containsExactly(new TargetAccount("012345678901", "Prod"),
                new TargetAccount("111111111111", "Audit, main"));
        assertThat(read(plain)).containsExactly(new TargetAccount("012345678901", "Prod"),
                new TargetAccount("111111111111", null));
    }

    @Test
    void yaml_listsOfIdsOrMaps_blockOrFlow_underOneKey(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("a.yaml");
        Files.writeString(yaml, "# fleet\naccounts:\n  - 012345678901   # leading zero kept\n  - '111111111111'\n"
                + "  - id: \"222222222222\"\n    name: Dev team\n    owner: someone\n  - {name: Audit, id: 333333333333}\n");

        assertThat(read(yaml)).containsExactly(new TargetAccount("012345678901", null),
                new TargetAccount("111111111111", null), new TargetAccount("222222222222", "Dev team"),
                new TargetAccount("333333333333", "Audit"));
    }

    @Test
    void badEntries_areNamedWithTheirLine_andUnsupportedYamlIsRefused(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "- 12345\n- name: no id\n");
        Path nested = dir.resolve("nested.yaml");
        Files.writeString(nested, "- id: 111111111111\n  tags:\n    - a\n");
        List<String> problems = new ArrayList<>();

        assertThat(AccountFiles.read(yaml, problems)).isEmpty();
        assertThat(problems).containsExactly(yaml + " line 1: not a 12-digit AWS account id: '12345'",
                yaml + " line 2: the item has no id");
        assertThatThrownBy(() -> AccountFiles.read(nested, new ArrayList<>())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 3: only a simple YAML list is read");
    }
}
