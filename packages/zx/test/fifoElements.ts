/** Checks the stream written by workers/fifoProducer.ts: every element once, in order, intact. */
export class ElementChecker {
  received = 0;
  problems: string[] = [];

  take(buffer: Uint8Array, count: number): void {
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    for (let i = 0; i < count; i++) {
      const seq = view.getUint32(i * 8, true);
      const check = view.getUint32(i * 8 + 4, true);
      if (seq !== this.received || check !== ~seq >>> 0) {
        if (this.problems.length < 5)
          this.problems.push(`element ${this.received}: got ${seq}/${check}`);
      }
      this.received++;
    }
  }

  report(): { received: number; problems: string[] } {
    return { received: this.received, problems: this.problems };
  }
}
