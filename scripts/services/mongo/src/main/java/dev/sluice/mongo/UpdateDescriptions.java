package dev.sluice.mongo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Builds an update event's updateDescription from the update operators and the document after
 * the update: fields an operator wrote are reported with their resulting value (as MongoDB does
 * for $inc, $push, ...), $unset fields and $rename sources as removed.
 */
final class UpdateDescriptions {
    private UpdateDescriptions() {
    }

    static Document describe(Document update, Document after) {
        Set<String> updated = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        for (Map.Entry<String, Object> operator : update.entrySet()) {
            if (!(operator.getValue() instanceof Document fields)) {
                continue;
            }
            switch (operator.getKey()) {
                case "$unset" -> removed.addAll(fields.keySet());
                case "$rename" -> fields.forEach((from, to) -> {
                    removed.add(from);
                    updated.add(String.valueOf(to));
                });
                default -> updated.addAll(fields.keySet());
            }
        }
        Document updatedFields = new Document();
        for (String path : updated) {
            updatedFields.put(path, valueAt(after, path));
        }
        List<String> removedFields = new ArrayList<>(removed);
        return new Document("updatedFields", updatedFields)
                .append("removedFields", removedFields)
                .append("truncatedArrays", List.of());
    }

    /** The value at a dotted path (positional parts such as "$" are reported as the parent). */
    private static Object valueAt(Document document, String path) {
        Object at = document;
        for (String part : path.split("\\.")) {
            if (at instanceof Document nested && !part.startsWith("$")) {
                at = nested.get(part);
            } else if (at instanceof List<?> list && part.chars().allMatch(Character::isDigit)) {
                int index = Integer.parseInt(part);
                at = index < list.size() ? list.get(index) : null;
            } else {
                break;
            }
        }
        return at;
    }
}
