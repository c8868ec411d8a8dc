// MQVersion.getVersionDesc: client/broker version ordinals (the `version` header field) as RocketMQ names them.

function buildNames(): string[] {
  const names = [
    'V3_0_0_SNAPSHOT', 'V3_0_0_ALPHA1', 'V3_0_0_BETA1', 'V3_0_0_BETA2', 'V3_0_0_BETA3', 'V3_0_0_BETA4', 'V3_0_0_BETA5',
    'V3_0_0_BETA6_SNAPSHOT', 'V3_0_0_BETA6', 'V3_0_0_BETA7_SNAPSHOT', 'V3_0_0_BETA7', 'V3_0_0_BETA8_SNAPSHOT', 'V3_0_0_BETA8',
    'V3_0_0_BETA9_SNAPSHOT', 'V3_0_0_BETA9', 'V3_0_0_FINAL',
  ];
  const pair = (v: string): void => {
    names.push(`V${v}_SNAPSHOT`, `V${v}`);
  };
  for (let p = 1; p <= 15; p++) pair(`3_0_${p}`);
  for (const minor of [1, 2]) for (let p = 0; p <= 9; p++) pair(`3_${minor}_${p}`);
  for (let minor = 3; minor <= 9; minor++) for (let p = 1; p <= 9; p++) pair(`3_${minor}_${p}`);
  for (const major of [4, 5]) for (let minor = 0; minor <= 9; minor++) for (let p = 0; p <= 9; p++) pair(`${major}_${minor}_${p}`);
  names.push('HIGHER_VERSION');
  return names;
}

const NAMES = buildNames();

/** "V4_9_8" for 409; ordinals past the table are the last name (HIGHER_VERSION), as Java does. */
export function versionDesc(ordinal: number): string {
  if (!Number.isInteger(ordinal) || ordinal < 0) return String(ordinal);
  return NAMES[Math.min(ordinal, NAMES.length - 1)]!;
}
