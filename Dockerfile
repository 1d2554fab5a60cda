# syntax=docker/dockerfile:1
# SessionAuth web app. Build from the repository root:  docker build -t sessionauth .
#
# Besides src/SessionAuth.Web the build reads four files at the root, so they are copied first:
#   global.json               SDK 10.0.100, rollForward latestFeature
#   Directory.Build.props     net10.0, Nullable, TreatWarningsAsErrors, analyzer level
#   Directory.Packages.props  central package versions (the .csproj files name none)
#   .editorconfig             analyzer and style settings the compiler reads

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/SessionAuth.Web/SessionAuth.Web.csproj src/SessionAuth.Web/
# Restore on its own layer: it is re-run only when the project file or package versions change.
RUN dotnet restore src/SessionAuth.Web/SessionAuth.Web.csproj
COPY src/SessionAuth.Web/ src/SessionAuth.Web/
RUN dotnet publish src/SessionAuth.Web/SessionAuth.Web.csproj \
    --configuration Release --no-restore --output /app/publish -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
# The SQLite accounts database lives outside the image, in a volume the non-root user can write.
RUN mkdir /data && chown app:app /data
VOLUME /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Accounts="Data Source=/data/accounts.db"
COPY --from=build /app/publish .
# $APP_UID is the image's non-root `app` user; numeric, so runAsNonRoot checks can verify it.
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "SessionAuth.Web.dll"]
