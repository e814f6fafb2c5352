export interface PublishExecutorSchema {
  package?: string;
  version?: string;
  dryRun?: boolean;
  output?: string;
  nxReleaseVersionData?: Record<string, { currentVersion?: string; newVersion?: string | null } | undefined>;
  registry?: string;
  tag?: string;
  access?: string;
  otp?: string | number;
  firstRelease?: boolean;
}
