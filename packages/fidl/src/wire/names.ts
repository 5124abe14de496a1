/**
 * The JS key of a struct, table or union member: lowerCamelCase of the FIDL
 * name (`offset_dev` -> `offsetDev`, `length_2_string` -> `length2String`,
 * `boundFiveStr` unchanged), the convention of src/ir/types.ts. The generated
 * TypeScript must use the same function so that values cross the codec intact.
 */
export function memberKey(fidlName: string): string {
  if (!fidlName.includes('_') && !/^[A-Z]/.test(fidlName)) return fidlName;
  const words = fidlName.split('_').filter((w) => w !== '');
  let out = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // An all-caps word (`ID`, `MAX`) reads as one word, not as an acronym to keep.
    const lower = w === w.toUpperCase() ? w.toLowerCase() : w;
    out +=
      i === 0 ? lower[0]!.toLowerCase() + lower.slice(1) : lower[0]!.toUpperCase() + lower.slice(1);
  }
  return out;
}
