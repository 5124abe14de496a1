/**
 * The driver manager: runs a board. It owns the node tree (main thread),
 * matches every new node against the board's drivers, starts the matching
 * driver in the host the board names (one worker thread per host, started
 * on first use), relays service connections between hosts, and stops
 * drivers children first.
 *
 * Binding is one node at a time, in the order nodes appear: a driver's
 * children bind after its start() resolved, so its outgoing directory is
 * complete when they connect, and the boot order is the same on every run.
 * (So start() must not wait for its children to bind.)
 *
 * A host whose thread dies is a crash: its pending requests fail with
 * ZX_ERR_PEER_CLOSED, so do the channels of its drivers (their peers see
 * it on their own), the nodes its drivers added are removed (drivers below
 * them, in other hosts, stop in order), and each of its drivers is either
 * restarted in a new worker (`onCrash: restart`, within `restartLimits`) or
 * its node is quarantined.
 */
import { Status, StatusError, transferHandle, type ZxChannel } from '@fdf/zx';
import { CompositeAssembler } from '../composite/compositeAssembler.js';
import { listOrNone } from '../diagnostics.js';
import type { LogRecord } from '../driver/logger.js';
import type { ChildNodeRequest, DriverStartInfo, NodeInfo } from '../driver/startInfo.js';
import type { WorkloadParams, WorkloadReport } from '../driver/workload.js';
import type { HostedDriverReport, HostStats } from '../host/driverHost.js';
import { WorkerHost, type HostExit, type WorkerHostHandlers } from '../host/workerHost.js';
import {
  loadBoardManifest,
  type Board,
  type BoardDriver,
  type BoardManifestOptions,
} from '../manifest/boardManifest.js';
import type { DriverManifest } from '../manifest/driverManifest.js';
import { matchNode, type DriverCandidate, type NodeMatch } from '../match/driverMatcher.js';
import type { ProviderRef } from '../namespace/incoming.js';
import type { Node } from '../node/node.js';
import { NodeTree } from '../node/nodeTree.js';
import type { ManagerEvent, ManagerListener } from './managerEvents.js';
import { driverUrl, incomingRoutes, nodeInfo, placementProblem } from './placement.js';
import { RestartPolicy } from './restartPolicy.js';

export type InstanceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'failed';

/** A driver bound to a node, as tools list it. */
export interface DriverInstanceInfo {
  readonly instance: number;
  readonly driver: string;
  readonly url: string;
  readonly variant: string;
  readonly node: string;
  readonly host: string;
  readonly state: InstanceState;
  readonly workloads: readonly string[];
}

export type HostState = 'idle' | 'starting' | 'running' | 'crashed' | 'stopped';

export interface HostInfo {
  readonly name: string;
  readonly state: HostState;
  /** The worker's thread id while it runs. */
  readonly threadId: number | undefined;
  /** Drivers the board places here. */
  readonly placed: readonly string[];
  readonly drivers: readonly DriverInstanceInfo[];
  /** Workers started for this host (1 + restarts). */
  readonly starts: number;
  readonly crashes: number;
  readonly lastCrash: string | undefined;
}

export interface DriverManagerOptions {
  /** Hears every event from the start (boot progress). */
  readonly listener?: ManagerListener;
  /** The host worker's entry module (tests may substitute one). */
  readonly hostEntry?: URL;
  /** Options for loading a board given by path (device types, file system). */
  readonly board?: BoardManifestOptions;
  /**
   * Start every host of the board at boot, in parallel (default true), rather
   * than each on its first driver: a worker takes most of a second to start.
   */
  readonly prestartHosts?: boolean;
}

export interface WorkloadTarget {
  /** Only the driver on this node. */
  readonly node?: string;
}

interface Candidate extends DriverCandidate {
  readonly entry: BoardDriver;
  readonly manifest: DriverManifest;
}

interface Instance {
  readonly id: number;
  readonly driver: BoardDriver;
  readonly manifest: DriverManifest;
  readonly node: Node;
  readonly url: string;
  state: InstanceState;
  workloads: string[];
  /** Set once the instance is being stopped and removed: a crash then does not restart it. */
  removing: boolean;
  /** Settles when start() finished, either way. */
  started: Promise<void>;
}

interface HostRecord {
  readonly name: string;
  readonly placed: readonly string[];
  worker: WorkerHost | undefined;
  starting: Promise<WorkerHost> | undefined;
  state: HostState;
  starts: number;
  crashes: number;
  lastCrash: string | undefined;
}

const MAX_LOGS = 1000;

function isRemoved(node: Node): boolean {
  return node.state === 'removed';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class DriverManager {
  readonly board: Board;
  readonly tree = new NodeTree();
  readonly #options: DriverManagerOptions;
  readonly #assembler: CompositeAssembler;
  readonly #candidates: Candidate[];
  readonly #devices = new Map<string, Board['devices'][number]>();
  readonly #hosts = new Map<string, HostRecord>();
  readonly #instances = new Map<number, Instance>();
  readonly #byNode = new Map<Node, Instance>();
  /** The driver instance that added each node (absent for board nodes). */
  readonly #creators = new Map<Node, Instance>();
  readonly #matches = new Map<Node, NodeMatch<Candidate>>();
  readonly #listeners = new Set<ManagerListener>();
  readonly #restarts = new RestartPolicy();
  readonly #logs: LogRecord[] = [];
  readonly #queue: Node[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  readonly #unsubscribe: () => void;
  #pumping = false;
  #busy = 0;
  #nextInstance = 1;
  #stopping = false;
  #stopped: Promise<void> | undefined;

  /** Loads (when given a path) and boots a board; resolves once every node that can bind is bound. */
  static async boot(
    board: Board | string,
    options: DriverManagerOptions = {},
  ): Promise<DriverManager> {
    const loaded = typeof board === 'string' ? loadBoardManifest(board, options.board) : board;
    const manager = new DriverManager(loaded, options);
    if (options.prestartHosts !== false) {
      // A host that fails to start fails the starts of its drivers, which report it.
      await Promise.all(loaded.hosts.map((h) => manager.#ensureHost(h.name).catch(() => null)));
    }
    try {
      manager.#addBoardNodes();
      await manager.settled();
    } catch (err) {
      // Leave no worker behind a failed boot: the caller has no manager to stop.
      await manager.stop();
      throw err;
    }
    return manager;
  }

  private constructor(board: Board, options: DriverManagerOptions) {
    this.board = board;
    this.#options = options;
    if (options.listener !== undefined) this.#listeners.add(options.listener);
    this.#candidates = board.drivers.map((entry) => {
      if (entry.manifest === undefined) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `board ${board.file}: driver '${entry.name}' was loaded without its manifest; load the board with loadDrivers (the default) to run it`,
        );
      }
      return {
        name: entry.name,
        bind: entry.manifest.bind,
        fallback: entry.manifest.fallback,
        entry,
        manifest: entry.manifest,
      };
    });
    for (const h of board.hosts) {
      this.#hosts.set(h.name, {
        name: h.name,
        placed: h.drivers,
        worker: undefined,
        starting: undefined,
        state: 'idle',
        starts: 0,
        crashes: 0,
        lastCrash: undefined,
      });
    }
    this.#assembler = new CompositeAssembler(this.tree, board.composites);
    this.#unsubscribe = this.tree.subscribe((e) => {
      if (e.type === 'node-added') this.#enqueue(e.node);
      else if (e.type === 'node-removed') {
        this.#creators.delete(e.node);
        this.#matches.delete(e.node);
      }
    });
  }

  // ---- events and state -----------------------------------------------------

  subscribe(listener: ManagerListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: ManagerEvent): void {
    for (const l of [...this.#listeners]) l(event);
  }

  /** Resolves when no node waits to bind and no start, removal or crash is being handled. */
  settled(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #idle(): boolean {
    return !this.#pumping && this.#queue.length === 0 && this.#busy === 0;
  }

  #checkIdle(): void {
    if (!this.#idle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Runs `work` counted as activity for settled(). */
  async #track<T>(work: () => Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await work();
    } finally {
      this.#busy--;
      this.#checkIdle();
    }
  }

  /** The last log records of every driver and host, oldest first. */
  logs(): readonly LogRecord[] {
    return this.#logs;
  }

  /** Why a node is bound the way it is (or not): the last match of the node. */
  lastMatch(node: Node): NodeMatch<DriverCandidate> | undefined {
    return this.#matches.get(node);
  }

  drivers(): DriverInstanceInfo[] {
    const out: DriverInstanceInfo[] = [];
    for (const node of this.tree.nodes()) {
      const inst = this.#byNode.get(node);
      if (inst !== undefined) out.push(this.#info(inst));
    }
    return out;
  }

  hosts(): HostInfo[] {
    const drivers = this.drivers();
    return [...this.#hosts.values()].map((h) => ({
      name: h.name,
      state: h.state,
      threadId: h.worker?.alive === true ? h.worker.threadId : undefined,
      placed: h.placed,
      drivers: drivers.filter((d) => d.host === h.name),
      starts: h.starts,
      crashes: h.crashes,
      lastCrash: h.lastCrash,
    }));
  }

  /** Heap and thread of every running host. */
  async hostStats(): Promise<HostStats[]> {
    return Promise.all(this.#runningHosts().map((w) => w.rpc.request('stats', null)));
  }

  /** Dispatcher dumps, counters and connections of every driver, per running host. */
  async reports(): Promise<{ host: string; drivers: HostedDriverReport[] }[]> {
    return Promise.all(
      this.#runningHosts().map(async (w) => ({
        host: w.name,
        drivers: await w.rpc.request('reports', null),
      })),
    );
  }

  #runningHosts(): WorkerHost[] {
    const out: WorkerHost[] = [];
    for (const h of this.#hosts.values()) if (h.worker?.alive === true) out.push(h.worker);
    return out;
  }

  #info(inst: Instance): DriverInstanceInfo {
    return {
      instance: inst.id,
      driver: inst.driver.name,
      url: inst.url,
      variant: inst.driver.variant,
      node: inst.node.path,
      host: inst.driver.host,
      state: inst.state,
      workloads: inst.workloads,
    };
  }

  // ---- workloads and faults ---------------------------------------------

  /**
   * Runs workload `name` (default: the board's default workload) on every
   * running driver that offers it, one after another in tree order. `params`
   * override the board's.
   */
  async runWorkload(
    name?: string,
    params: WorkloadParams = {},
    target: WorkloadTarget = {},
  ): Promise<WorkloadReport[]> {
    const chosen = name ?? this.board.defaults.workload ?? this.board.workloads[0]?.name;
    if (chosen === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `board ${this.board.file} declares no workloads; add one under workloads:`,
      );
    }
    const declared = this.board.workloads.find((w) => w.name === chosen);
    const merged = { ...(declared?.params ?? {}), ...params };
    const targets = this.drivers().filter(
      (d) =>
        d.state === 'running' &&
        d.workloads.includes(chosen) &&
        (target.node === undefined || d.node === target.node),
    );
    if (targets.length === 0) {
      const offered = new Set(this.drivers().flatMap((d) => d.workloads));
      const where = target.node === undefined ? '' : ` on ${target.node}`;
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `no running driver${where} offers workload '${chosen}'; workloads offered: ${listOrNone(offered)}`,
      );
    }
    const reports: WorkloadReport[] = [];
    for (const t of targets) {
      const worker = await this.#hostOf(t);
      reports.push(
        await worker.rpc.request('run-workload', {
          instance: t.instance,
          name: chosen,
          params: merged,
        }),
      );
    }
    return reports;
  }

  /**
   * Makes driver `driver` (on `node`, when it runs on several) throw from its
   * default dispatcher, which kills its host. Resolves once the crash was
   * handled (restarts done or nodes quarantined) and the board settled.
   */
  async injectCrash(driver: string, node?: string): Promise<void> {
    const target = this.drivers().find(
      (d) =>
        d.driver === driver && d.state === 'running' && (node === undefined || d.node === node),
    );
    if (target === undefined) {
      const running = this.drivers().filter((d) => d.state === 'running');
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `no running driver '${driver}'${node === undefined ? '' : ` on ${node}`}; running: ${listOrNone(running.map((d) => `${d.driver} (${d.node})`))}`,
      );
    }
    const worker = await this.#hostOf(target);
    const exited = worker.exited();
    // The host may die before its answer leaves; its exit is what counts.
    await worker.rpc.request('inject-crash', { instance: target.instance }).catch(() => null);
    await exited;
    // The exit handler has started the crash handling; wait for it and for the restarts.
    await this.settled();
  }

  async #hostOf(d: DriverInstanceInfo): Promise<WorkerHost> {
    const worker = this.#hosts.get(d.host)?.worker;
    if (worker === undefined || !worker.alive) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        `host ${d.host} of driver ${d.driver} is not running`,
      );
    }
    return worker;
  }

  // ---- binding ------------------------------------------------------------

  #addBoardNodes(): void {
    this.tree.add(this.tree.root, 'sys');
    this.tree.add('root/sys', 'platform');
    for (const d of this.board.devices) {
      this.#devices.set(d.path, d);
      this.tree.add(d.parent, d.name, d.properties, d.offers);
    }
  }

  #enqueue(node: Node): void {
    if (this.#stopping) return;
    this.#queue.push(node);
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let node = this.#queue.shift(); node !== undefined; node = this.#queue.shift()) {
        if (this.#stopping) break;
        await this.#bind(node);
      }
    } finally {
      this.#pumping = false;
      if (this.#stopping) this.#queue.length = 0;
      this.#checkIdle();
    }
  }

  async #bind(node: Node): Promise<void> {
    if (node.state !== 'unbound') return;
    const match = matchNode(node, this.#candidates, { composites: this.#assembler });
    this.#matches.set(node, match);
    if (match.outcome.kind !== 'driver') return;
    if (match.ambiguous.length > 0) {
      this.#emit({
        type: 'match-ambiguous',
        node: node.path,
        drivers: [match.outcome.driver.name, ...match.ambiguous],
      });
    }
    const candidate = match.outcome.driver;
    await this.#start(candidate.entry, candidate.manifest, node);
  }

  #providerOf(node: Node): ProviderRef | null {
    const inst = this.#creators.get(node);
    return inst === undefined
      ? null
      : { instance: inst.id, driver: inst.driver.name, host: inst.driver.host };
  }

  async #start(entry: BoardDriver, manifest: DriverManifest, node: Node): Promise<void> {
    const url = driverUrl(entry);
    const routes = incomingRoutes(node, this.board, (n) => this.#providerOf(n));
    const parentDriver = this.#providerOf(node.isComposite ? (node.parents[0] ?? node) : node);
    this.tree.bindDriver(node, { name: entry.name, url, host: entry.host });
    const problem = placementProblem(entry, this.board, routes, parentDriver);
    if (problem !== undefined) {
      this.#fail(entry.name, node, problem);
      return;
    }
    let settle!: () => void;
    const inst: Instance = {
      id: this.#nextInstance++,
      driver: entry,
      manifest,
      node,
      url,
      state: 'starting',
      workloads: [],
      removing: false,
      started: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.#instances.set(inst.id, inst);
    this.#byNode.set(node, inst);
    const device = this.#devices.get(node.path);
    const info: DriverStartInfo = {
      instance: inst.id,
      name: entry.name,
      url,
      module: manifest.module,
      export: manifest.export,
      variant: entry.variant,
      host: entry.host,
      allowSyncCalls: manifest.dispatcher.allowSyncCalls,
      node: nodeInfo(node, this.board),
      incoming: routes,
      ...(device === undefined
        ? {}
        : { device: { name: device.name, type: device.type, config: device.config } }),
    };
    const began = performance.now();
    try {
      const worker = await this.#ensureHost(entry.host);
      const { workloads } = await worker.rpc.request('start-driver', info);
      if (inst.state !== 'starting') return;
      inst.state = 'running';
      inst.workloads = workloads;
      this.#emit({
        type: 'driver-started',
        driver: entry.name,
        node: node.path,
        host: entry.host,
        ms: performance.now() - began,
      });
    } catch (err) {
      // A crash of the host during start is the crash handler's to report.
      if (inst.state !== 'starting') return;
      inst.state = 'failed';
      this.#forget(inst);
      this.#fail(entry.name, node, describe(err));
    } finally {
      settle();
    }
  }

  #fail(driver: string, node: Node, reason: string): void {
    this.#emit({ type: 'driver-failed', driver, node: node.path, error: reason });
    if (node.state === 'bound') {
      this.tree.quarantine(node, reason);
      this.#emit({ type: 'node-quarantined', node: node.path, driver, reason });
    }
  }

  #forget(inst: Instance): void {
    this.#instances.delete(inst.id);
    if (this.#byNode.get(inst.node) === inst) this.#byNode.delete(inst.node);
  }

  #ensureHost(name: string): Promise<WorkerHost> {
    const rec = this.#hosts.get(name);
    if (rec === undefined) {
      return Promise.reject(
        new StatusError(Status.ERR_NOT_FOUND, `board ${this.board.file} has no host '${name}'`),
      );
    }
    if (rec.worker?.alive === true) return Promise.resolve(rec.worker);
    if (rec.starting !== undefined) return rec.starting;
    rec.state = 'starting';
    const starting = WorkerHost.start(name, this.#handlers(rec), this.#options.hostEntry).then(
      (worker) => {
        rec.worker = worker;
        rec.state = 'running';
        rec.starts++;
        this.#emit({
          type: 'host-started',
          host: name,
          threadId: worker.threadId,
          start: rec.starts,
        });
        return worker;
      },
      (err: unknown) => {
        rec.state = 'crashed';
        rec.lastCrash = describe(err);
        throw err;
      },
    );
    rec.starting = starting;
    void starting
      .finally(() => {
        if (rec.starting === starting) rec.starting = undefined;
      })
      .catch(() => {});
    return starting;
  }

  // ---- what hosts ask -------------------------------------------------------

  #handlers(rec: HostRecord): WorkerHostHandlers {
    return {
      addChild: (instance, request) => this.#addChild(instance, request),
      removeNode: (instance, path) => this.#track(() => this.#removeNode(instance, path)),
      connect: (provider, offer, channel) => this.#connect(provider, offer, channel),
      log: (record) => {
        this.#logs.push(record);
        if (this.#logs.length > MAX_LOGS) this.#logs.splice(0, this.#logs.length - MAX_LOGS);
        this.#emit({ type: 'log', record });
      },
      exited: (worker, exit) => {
        if (rec.worker !== worker) return;
        if (exit.requested) {
          rec.state = 'stopped';
          return;
        }
        void this.#track(() => this.#onCrash(rec, exit));
      },
    };
  }

  #caller(instance: number, what: string): Instance {
    const inst = this.#instances.get(instance);
    if (inst === undefined || (inst.state !== 'running' && inst.state !== 'starting')) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `driver instance ${instance} cannot ${what}: it is not running`,
      );
    }
    return inst;
  }

  #addChild(instance: number, request: ChildNodeRequest): NodeInfo {
    const inst = this.#caller(instance, `add node '${request.name}'`);
    if (this.#stopping) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${inst.driver.name} cannot add node '${request.name}': the board is stopping`,
      );
    }
    const child = this.tree.add(inst.node, request.name, request.properties, request.offers);
    this.#creators.set(child, inst);
    return nodeInfo(child, this.board);
  }

  async #removeNode(instance: number, path: string): Promise<void> {
    const inst = this.#caller(instance, `remove node '${path}'`);
    const node = this.tree.get(path);
    if (this.#creators.get(node) !== inst) {
      throw new StatusError(
        Status.ERR_ACCESS_DENIED,
        `${inst.driver.name} cannot remove ${path}: a driver removes only the nodes it added`,
      );
    }
    await this.#removeSubtree(node);
  }

  /** Forwards a channel to the provider's host; closes it when the provider is gone. */
  #connect(provider: ProviderRef, offer: string, channel: ZxChannel): void {
    const target = this.#instances.get(provider.instance);
    const worker = this.#hosts.get(provider.host)?.worker;
    if (
      target === undefined ||
      (target.state !== 'running' && target.state !== 'starting') ||
      worker === undefined ||
      !worker.alive
    ) {
      channel.close();
      return;
    }
    const { descriptor, transferList } = transferHandle(channel);
    worker.rpc.notify(
      'serve',
      { provider: provider.instance, offer, channel: descriptor },
      transferList,
    );
  }

  // ---- stopping ---------------------------------------------------------------

  /** Stops the drivers on `node` and below, children first, then removes the nodes. */
  async #removeSubtree(node: Node): Promise<void> {
    if (node.state === 'removed') return;
    for (const n of this.tree.removalOrder(node)) {
      const inst = this.#byNode.get(n);
      if (inst !== undefined) await this.#stopInstance(inst);
    }
    // Stopping awaited other threads: someone else may have removed it meanwhile.
    if (!isRemoved(node)) this.tree.remove(node);
  }

  async #stopInstance(inst: Instance): Promise<void> {
    inst.removing = true;
    await inst.started;
    if (inst.state === 'running') {
      inst.state = 'stopping';
      const worker = this.#hosts.get(inst.driver.host)?.worker;
      try {
        if (worker?.alive === true) await worker.rpc.request('stop-driver', { instance: inst.id });
      } catch (err) {
        if (!StatusError.is(err, Status.ERR_PEER_CLOSED)) {
          this.#emit({
            type: 'log',
            record: {
              level: 'error',
              source: 'driver manager',
              message: `stopping ${inst.driver.name} on ${inst.node.path} failed: ${describe(err)}`,
              timeMs: performance.now(),
            },
          });
        }
      }
      if (inst.state === 'stopping') inst.state = 'stopped';
      this.#emit({
        type: 'driver-stopped',
        driver: inst.driver.name,
        node: inst.node.path,
        host: inst.driver.host,
      });
    }
    this.#forget(inst);
    if (inst.node.state === 'bound') this.tree.unbindDriver(inst.node);
  }

  /**
   * Stops every driver, children first (each: prepareStop, its dispatchers
   * shut down, stop), then ends every host. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stopAll();
    return this.#stopped;
  }

  async #stopAll(): Promise<void> {
    this.#stopping = true;
    this.#queue.length = 0;
    await this.settled();
    for (const node of this.tree.removalOrder(this.tree.root)) {
      const inst = this.#byNode.get(node);
      if (inst !== undefined) await this.#stopInstance(inst);
    }
    for (const rec of this.#hosts.values()) {
      const worker = rec.worker;
      if (worker?.alive === true) {
        await worker.shutdown();
        rec.state = 'stopped';
        this.#emit({ type: 'host-stopped', host: rec.name });
      }
    }
    this.#assembler.dispose();
    this.#unsubscribe();
  }

  // ---- crashes ------------------------------------------------------------------

  async #onCrash(rec: HostRecord, exit: HostExit): Promise<void> {
    const error = exit.error ?? `the thread exited with code ${exit.code}`;
    rec.worker = undefined;
    rec.state = 'crashed';
    rec.crashes++;
    rec.lastCrash = error;
    const dead = this.drivers()
      .map((d) => this.#instances.get(d.instance))
      .filter((i): i is Instance => i !== undefined && i.driver.host === rec.name);
    for (const inst of dead) inst.state = 'crashed';
    this.#emit({
      type: 'host-crashed',
      host: rec.name,
      error,
      drivers: dead.map((i) => i.driver.name),
    });

    // What the dead drivers added goes away; drivers below it, in other hosts, stop in order.
    for (const inst of dead) {
      for (const [node, creator] of [...this.#creators]) {
        if (creator === inst && node.state !== 'removed') await this.#removeSubtree(node);
      }
    }
    const now = performance.now();
    for (const inst of dead) {
      this.#forget(inst);
      const node = inst.node;
      if (inst.removing || node.state !== 'bound' || this.#stopping) continue;
      const decision = this.#restarts.onCrash(inst.manifest, node.path, now, error);
      if (decision.restart) {
        this.tree.unbindDriver(node);
        this.#emit({
          type: 'driver-restarting',
          driver: inst.driver.name,
          node: node.path,
          attempt: decision.attempt,
          maxRestarts: decision.maxRestarts,
        });
        this.#enqueue(node);
      } else {
        this.tree.quarantine(node, decision.reason);
        this.#emit({
          type: 'node-quarantined',
          node: node.path,
          driver: inst.driver.name,
          reason: decision.reason,
        });
      }
    }
  }
}
