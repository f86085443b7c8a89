// The last line of defence: a page that throws while rendering shows what happened and a way
// back instead of blanking the whole app. Reset by remounting (the shell keys it by path).
import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("celeste: a page failed to render", error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="error-note">
        <p>This page could not be shown: {this.state.error.message}</p>
        <p>
          <a href="/">Back to search</a> or reload the page.
        </p>
      </div>
    );
  }
}
