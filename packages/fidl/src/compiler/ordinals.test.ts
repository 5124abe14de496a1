import { describe, expect, it } from 'vitest';
import { compileText, expectClean, lastLibrary } from '../../test/compiler/helpers.js';
import { methodOrdinal, methodSelector } from './index.js';

describe('method ordinals', () => {
  // Verified against fidlc IR dumps (design/fidl.md 2.9).
  it.each([
    ['fuchsia.media/UsageReporter.Watch', 8547391950682442073n],
    ['fuchsia.hardware.rtc/Device.Get', 2881649623829671924n],
    ['fuchsia.hardware.rtc/Device.Set2', 1614978035535395557n],
    ['fuchsia.hardware.adb/Provider.ConnectToService', 3476297537454156075n],
    ['fuchsia.io/Node.Close', 0x5ac5d459ad7f657en],
  ])('%s', (selector, ordinal) => {
    expect(methodOrdinal(selector)).toBe(ordinal);
  });

  it('is the rtc Get ordinal of the header example', () => {
    expect(methodOrdinal('fuchsia.hardware.rtc/Device.Get')).toBe(0x27fdad10b3816ff4n);
  });

  it('never sets bit 63', () => {
    for (let i = 0; i < 200; i++) expect(methodOrdinal(`lib/P.M${i}`) >> 63n).toBe(0n);
  });

  it('expands @selector values', () => {
    expect(methodSelector('fuchsia.unknown', 'Closeable', 'Close', 'fuchsia.io/Node.Close')).toBe(
      'fuchsia.io/Node.Close',
    );
    expect(methodSelector('fuchsia.unknown', 'Cloneable', 'Clone2', 'Clone')).toBe(
      'fuchsia.unknown/Cloneable.Clone',
    );
    expect(methodSelector('a.b', 'P', 'M')).toBe('a.b/P.M');
  });

  it('gives Closeable.Close its old fuchsia.io ordinal and Clone2 the Clone ordinal', () => {
    const ir = expectClean(
      compileText(`
library fuchsia.unknown;
using zx;
closed protocol Closeable {
    @selector("fuchsia.io/Node.Close")
    strict Close() -> () error zx.Status;
};
closed protocol Cloneable {
    @selector("Clone")
    strict Clone2(resource struct { request server_end:Cloneable; });
};
`),
    );
    const lib = lastLibrary(ir);
    const close = lib.protocols[0]?.methods[0];
    expect(close?.ordinal).toBe(BigInt(0x5ac5d459ad7f657en).toString());
    expect(close?.selector).toBe('fuchsia.io/Node.Close');
    const clone = lib.protocols[1]?.methods[0];
    expect(clone?.selector).toBe('fuchsia.unknown/Cloneable.Clone');
    expect(clone?.ordinal).toBe(methodOrdinal('fuchsia.unknown/Cloneable.Clone').toString());
  });

  it('hashes composed methods with the declaring protocol', () => {
    const ir = expectClean(
      compileText({
        'rtc.fidl': `
library fuchsia.hardware.rtc;
closed protocol Device {
    strict Get() -> (struct { seconds uint8; });
};
`,
        'user.fidl': `
library fuchsia.other;
using fuchsia.hardware.rtc as rtc;
closed protocol Wrapper {
    compose rtc.Device;
};
`,
      }),
    );
    const wrapper = lastLibrary(ir).protocols[0];
    expect(wrapper?.methods[0]?.declaredIn).toBe('fuchsia.hardware.rtc/Device');
    expect(wrapper?.methods[0]?.ordinal).toBe('2881649623829671924');
  });
});
