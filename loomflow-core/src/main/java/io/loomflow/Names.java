package io.loomflow;

/** Checks the names of flows, tasks, resources, limits and engines. */
final class Names {

    private Names() {
    }

    static String check(String what, String name) {
        if (name == null) {
            throw new NullPointerException(what + " name must not be null; pass a short non-blank name such as \"fetch\"");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " name was blank (\"" + name
                    + "\"); pass a short non-blank name such as \"fetch\"");
        }
        return name;
    }
}
