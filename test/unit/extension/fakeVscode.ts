/**
 * A small stand-in for the `vscode` module, for unit tests of host code that needs one (the table panel, the scope
 * pickers) in plain Node. Importing this file makes `require('vscode')` return it, so import it before the code under
 * test. It does what VS Code does where the tests look: a disposed webview panel throws "Webview is disposed" when its
 * title or HTML is set, progress runs its task at once, and every message box, quick pick, command, posted message and
 * written file is recorded for the test to read. Tests answer prompts by setting `fake.answers`.
 */
import Module from 'node:module';

const moduleWithResolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return request === 'vscode' ? __filename : resolve.call(this, request, ...rest);
};

type Listener<T> = (value: T) => unknown;

/** The part of `vscode.InputBoxOptions` the tests read. */
export interface InputBoxOptions {
    title?: string;
    prompt?: string;
    value?: string;
    validateInput?(value: string): string | undefined | null | Promise<string | undefined | null>;
}

export class Disposable {
    constructor(private readonly onDispose: () => void) {}
    dispose(): void {
        this.onDispose();
    }
}

export class EventEmitter<T> {
    private listeners = new Set<Listener<T>>();
    readonly event = (listener: Listener<T>) => {
        this.listeners.add(listener);
        return new Disposable(() => this.listeners.delete(listener));
    };
    fire(value: T): void {
        for (const listener of [...this.listeners]) {
            listener(value);
        }
    }
    dispose(): void {
        this.listeners.clear();
    }
}

export class Uri {
    private constructor(
        readonly scheme: string,
        readonly path: string,
    ) {}
    static file(path: string): Uri {
        return new Uri('file', path);
    }
    static parse(value: string): Uri {
        const match = /^([a-z][\w+.-]*):(.*)$/i.exec(value);
        return match ? new Uri(match[1], match[2]) : new Uri('file', value);
    }
    static joinPath(base: Uri, ...segments: string[]): Uri {
        return new Uri(base.scheme, [base.path, ...segments].join('/').replace(/\/+/g, '/'));
    }
    get fsPath(): string {
        return this.scheme === 'file' ? this.path : '';
    }
    toString(): string {
        return `${this.scheme}:${this.path}`;
    }
}

export const ViewColumn = { Active: -1, Beside: -2 } as const;
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;

/** A webview panel as VS Code behaves: after `dispose()` its title and HTML cannot be set. */
export class FakeWebviewPanel {
    private disposed = false;
    private currentTitle: string;
    private currentHtml = '';
    visible = true;
    active = true;
    iconPath: unknown;
    revealed = 0;
    readonly posted: unknown[] = [];
    private readonly received = new EventEmitter<unknown>();
    private readonly viewState = new EventEmitter<unknown>();
    private readonly disposing = new EventEmitter<void>();
    readonly onDidChangeViewState = this.viewState.event;
    readonly onDidDispose = this.disposing.event;
    readonly webview = {
        cspSource: 'fake-webview:',
        asWebviewUri: (uri: Uri) => uri,
        onDidReceiveMessage: this.received.event,
        postMessage: async (message: unknown) => {
            if (this.disposed) {
                return false;
            }
            this.posted.push(message);
            return true;
        },
        get html(): string {
            return panelOf(this).currentHtml;
        },
        set html(value: string) {
            const panel = panelOf(this);
            panel.assertNotDisposed();
            panel.currentHtml = value;
        },
    };

    constructor(title: string) {
        this.currentTitle = title;
        webviewPanels.set(this.webview, this);
    }

    get title(): string {
        return this.currentTitle;
    }
    set title(value: string) {
        this.assertNotDisposed();
        this.currentTitle = value;
    }

    reveal(): void {
        this.assertNotDisposed();
        this.revealed++;
    }

    /** What the person closing the tab does. */
    dispose(): void {
        if (!this.disposed) {
            this.disposed = true;
            this.disposing.fire();
        }
    }

    /** The webview sends a message to the host. */
    receive(message: unknown): void {
        this.received.fire(message);
    }

    /** The person shows or hides the panel's tab. */
    setVisible(visible: boolean): void {
        this.visible = visible;
        this.active = visible;
        this.viewState.fire({ webviewPanel: this });
    }

    private assertNotDisposed(): void {
        if (this.disposed) {
            throw new Error('Webview is disposed');
        }
    }
}

const webviewPanels = new WeakMap<object, FakeWebviewPanel>();
const panelOf = (webview: object) => webviewPanels.get(webview) as FakeWebviewPanel;

/** What the code under test did, and how the "person" answers it. */
export const fake = {
    panels: [] as FakeWebviewPanel[],
    messages: [] as { kind: 'information' | 'warning' | 'error'; text: string; items: string[] }[],
    /**
     * Each quick pick shown. `openedLoading` is true when its items came as a promise: VS Code opens the picker at once and
     * shows its progress bar until they arrive (`items` is empty until then).
     */
    quickPicks: [] as { items: { label: string; [key: string]: unknown }[]; options: unknown; openedLoading: boolean }[],
    /** The options of each input box shown (its prompt, and the validateInput the box runs on each keystroke). */
    inputBoxes: [] as InputBoxOptions[],
    commands: [] as { id: string; args: unknown[] }[],
    files: new Map<string, Uint8Array>(),
    settings: new Map<string, unknown>(),
    answers: {
        /** Picks the quick-pick item the function returns (undefined: Escape). */
        quickPick: (_items: { label: string }[]): unknown => undefined,
        /** A message box's answer; the default never comes, as when the person leaves a notification alone. */
        message: (_text: string): Promise<string | undefined> => new Promise<never>(() => undefined),
        inputBox: (_options: InputBoxOptions): string | undefined => undefined,
    },
    reset(): void {
        fake.panels.length = 0;
        fake.messages.length = 0;
        fake.quickPicks.length = 0;
        fake.inputBoxes.length = 0;
        fake.commands.length = 0;
        fake.files.clear();
        fake.settings.clear();
        fake.answers.quickPick = () => undefined;
        fake.answers.message = () => new Promise<never>(() => undefined);
        fake.answers.inputBox = () => undefined;
    },
};

const message =
    (kind: 'information' | 'warning' | 'error') =>
    (text: string, ...items: string[]): Promise<string | undefined> => {
        fake.messages.push({ kind, text, items });
        return fake.answers.message(text);
    };

export const window = {
    createWebviewPanel(_viewType: string, title: string): FakeWebviewPanel {
        const panel = new FakeWebviewPanel(title);
        fake.panels.push(panel);
        return panel;
    },
    withProgress<T>(_options: unknown, task: (progress: { report(value: unknown): void }, token: unknown) => Promise<T>): Promise<T> {
        const token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable(() => undefined) };
        return task({ report: () => undefined }, token);
    },
    showInformationMessage: message('information'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    async showQuickPick(items: { label: string }[] | Promise<{ label: string }[]>, options: unknown): Promise<unknown> {
        const shown = { items: [] as { label: string }[], options, openedLoading: items instanceof Promise };
        fake.quickPicks.push(shown);
        // A rejected promise closes the picker and rejects showQuickPick, as in VS Code.
        shown.items = await items;
        return fake.answers.quickPick(shown.items);
    },
    async showInputBox(options: InputBoxOptions = {}): Promise<string | undefined> {
        fake.inputBoxes.push(options);
        return fake.answers.inputBox(options);
    },
    async showSaveDialog(): Promise<Uri | undefined> {
        return undefined;
    },
    setStatusBarMessage: () => new Disposable(() => undefined),
};

export const workspace = {
    workspaceFolders: undefined,
    fs: {
        async writeFile(uri: Uri, content: Uint8Array): Promise<void> {
            fake.files.set(uri.toString(), content);
        },
    },
    getConfiguration: () => ({
        get: (key: string) => fake.settings.get(key),
        inspect: (key: string) => ({ key, globalValue: fake.settings.get(key) }),
        update: async (key: string, value: unknown) => {
            fake.settings.set(key, value);
        },
    }),
};

export const commands = {
    async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
        fake.commands.push({ id, args });
        return undefined;
    },
};

export const env = {
    clipboard: { writeText: async () => undefined },
    openExternal: async () => true,
};

export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;
