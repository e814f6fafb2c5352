export interface PlaceholderPublishExecutorSchema {
  package?: string;
  dryRun?: boolean;
  configureTrust?: boolean;
  output?: string;
}
