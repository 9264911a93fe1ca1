package org.grpowb.hf.config;

/**
 * A model folder that the workbench will not run: its {@code config.json} asks for something these models do not do,
 * or its weights do not match it. The message always names the file and the JSON field or tensor, so that the user
 * can open the file and find the line, e.g.
 * {@code config.json: field 'num_key_value_heads': 5 does not divide num_attention_heads 14}.
 */
public class HfConfigException extends RuntimeException {

    private final String file;
    private final String field;

    /**
     * @param file    the file at fault, as the user would recognise it
     * @param field   the JSON field at fault (dotted when nested: {@code rope_scaling.rope_type}), or null when the
     *                whole file is (missing, not JSON)
     * @param problem what is wrong, as a clause
     */
    public HfConfigException(String file, String field, String problem) {
        this(file, "field", field, problem, null);
    }

    public HfConfigException(String file, String field, String problem, Throwable cause) {
        this(file, "field", field, problem, cause);
    }

    private HfConfigException(String file, String kind, String name, String problem, Throwable cause) {
        super(file + ": " + (name == null ? "" : kind + " '" + name + "': ") + problem, cause);
        this.file = file;
        this.field = name;
    }

    /** A tensor of a checkpoint that does not match the config: "{@code where}: tensor '{@code tensor}': problem". */
    public static HfConfigException tensor(String where, String tensor, String problem) {
        return new HfConfigException(where, "tensor", tensor, problem, null);
    }

    /** The file or checkpoint at fault. */
    public String file() {
        return file;
    }

    /** The JSON field, or for a checkpoint the (first) tensor at fault; null when the whole file is. */
    public String field() {
        return field;
    }
}
