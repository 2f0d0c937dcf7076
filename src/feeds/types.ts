/** Image feeds: where a release finds the versions of an image (Docker Registry v2, Amazon ECR). */
import type { CredentialSource } from '../aws/credentials.js';

/** A Docker Registry HTTP API v2 feed. */
export interface DockerRegistryFeedConfig {
  kind: 'docker-registry';
  /** e.g. `https://registry.example.com`, `http://127.0.0.1:5000`. */
  url: string;
  username?: string;
  password?: string;
}

/** An Amazon ECR feed: the registry of an account in a region. */
export interface EcrFeedConfig {
  kind: 'ecr';
  region: string;
  credentials: CredentialSource;
  /** AWS endpoint override (e.g. the sandbox). */
  endpoint?: string;
}

export type FeedConfig = DockerRegistryFeedConfig | EcrFeedConfig;

/** One tag of a repository, with what the registry tells about it. */
export interface FeedTag {
  tag: string;
  /** From ECR DescribeImages, or a manifest HEAD when asked. */
  digest?: string;
  pushedAt?: Date;
}

/** A feed, connected. */
export interface ImageFeed {
  /** `host[:port]` that image references use (the ECR proxy endpoint's host for ECR). */
  readonly registryHost: string;
  /** Every tag of a repository (all pages). */
  listTags(repository: string, options?: { signal?: AbortSignal }): Promise<FeedTag[]>;
  /** The digest of a tag's manifest (HEAD). */
  digestOf(repository: string, tag: string): Promise<string | undefined>;
  /** Repositories the feed holds (ECR: DescribeRepositories; registry: /v2/_catalog when allowed). */
  listRepositories(): Promise<string[]>;
}

/** The variables a step receives for one package reference (octopus-model.md). */
export interface PackageVariables {
  PackageId: string;
  PackageVersion: string;
  FeedId: string;
  /** Fully qualified `registry/repository:tag`. */
  Image: string;
  Registry: string;
}
