import type { CosmiconfigResult, LoadersSync } from 'cosmiconfig';
import { MODULE_NAME, SEARCH_PLACES } from './search-places';

/** cosmiconfig's synchronous explorer: the class that `cosmiconfigSync()` wraps. */
export interface Explorer {
  search(from: string): CosmiconfigResult;
  load(filepath: string): CosmiconfigResult;
}

/** The options `cosmiconfigSync()` hands the explorer, all of them given. */
interface ExplorerOptions {
  moduleName: string;
  packageProp: string;
  searchPlaces: string[];
  searchStrategy: 'project' | 'none';
  loaders: LoadersSync;
  transform: (result: CosmiconfigResult) => CosmiconfigResult;
  ignoreEmptySearchPlaces: boolean;
  cache: boolean;
  metaConfigFilePath: null;
  mergeImportArrays: boolean;
  mergeSearchPlaces: boolean;
}

/*
 * The explorer itself, not `cosmiconfigSync()`: before it builds one, `cosmiconfigSync()` always reads cosmiconfig's
 * meta config from the process's working directory, and that can be code (`.config/config.js`, `.config/config.ts`).
 * Started from `/` or `/tmp`, an app would run a file that anyone can write there. The explorer class is bundled into
 * this package at build time (scripts/bundle.mjs), so the version built and tested is the one that runs.
 */
type ExplorerClass = new (options: ExplorerOptions) => Explorer;
let explorerClass: ExplorerClass | undefined;

/** Required on first use, so that an app configured in code alone (`configFile: false`) never loads it. */
function ExplorerSync(): ExplorerClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- cosmiconfig's explorer class has no typed export
  explorerClass ??= (require('cosmiconfig/dist/ExplorerSync.js') as { ExplorerSync: ExplorerClass }).ExplorerSync;
  return explorerClass;
}

/**
 * An explorer with this package's loaders, and its search places or those of them given. No cache: a reload must read the file again. Empty files are not
 * skipped: a file cut short by a deploy is an error, not a reason to look further.
 */
export function configExplorer(strategy: 'project' | 'none', loaders: LoadersSync, places: readonly string[] = SEARCH_PLACES): Explorer {
  const Explorer = ExplorerSync();
  return new Explorer({
    moduleName: MODULE_NAME,
    packageProp: MODULE_NAME,
    searchPlaces: [...places],
    searchStrategy: strategy,
    loaders,
    transform: (result) => result,
    ignoreEmptySearchPlaces: false,
    cache: false,
    metaConfigFilePath: null,
    mergeImportArrays: true,
    mergeSearchPlaces: true,
  });
}
