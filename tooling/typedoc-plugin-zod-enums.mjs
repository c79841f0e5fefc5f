// A TypeDoc plugin: members of a type literal whose type is the string literal of their own name
// document themselves. zod's `z.enum(['a', 'b'])` has the type `ZodEnum<{ a: "a"; b: "b" }>`, so every
// exported schema built on an enum shows such a literal, and `validation.notDocumented` would ask for a
// comment on each key. This plugin gives exactly those members a one-line summary (`The value "a".`)
// before validation, and leaves every other member alone: a property named `a` of any other type
// still needs its own comment.
import { Comment, Converter, LiteralType, ReflectionKind } from 'typedoc';

/** True for `{ name: "name" }`: a property of a type literal whose type is the literal of its name. */
function isSelfNamedLiteral(reflection) {
  return (
    reflection.kindOf(ReflectionKind.Property) &&
    reflection.parent?.kindOf(ReflectionKind.TypeLiteral) === true &&
    reflection.type instanceof LiteralType &&
    reflection.type.value === reflection.name
  );
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    let documented = 0;
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Property)) {
      if (reflection.hasComment() || !isSelfNamedLiteral(reflection)) continue;
      reflection.comment = new Comment([
        { kind: 'text', text: 'The value ' },
        { kind: 'code', text: `\`"${reflection.name}"\`` },
        { kind: 'text', text: '.' },
      ]);
      documented++;
    }
    app.logger.verbose(`typedoc-plugin-zod-enums: ${documented} self-named literal members documented`);
  });
}
